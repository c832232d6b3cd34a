// Renders the real card entry for one CRM record, the way HubSpot would mount it.
import React from 'react';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { DeetoCard } from '../../src/app/cards/DeetoCard.jsx';

const TYPE_IDS = { contact: '0-1', company: '0-2', deal: '0-3' };

// `companies` replaces what useAssociations returns for a deal's associated companies.
export function renderCard(objectType, objectId, { companies } = {}) {
  const renderer = createRenderer('crm.record.tab');
  renderer.mocks.context.crm.objectTypeId = TYPE_IDS[objectType];
  renderer.mocks.context.crm.objectId = Number(objectId);
  if (companies) renderer.mocks.useAssociations.willCall(() => companies);
  renderer.render(<DeetoCard />);
  return renderer;
}

export const associations = (results, overrides = {}) => ({
  results,
  error: null,
  isLoading: false,
  isRefetching: false,
  refetch: async () => {},
  pagination: {
    hasNextPage: false,
    hasPreviousPage: false,
    currentPage: 1,
    pageSize: 10,
    nextPage: () => {},
    previousPage: () => {},
    reset: () => {},
  },
  ...overrides,
});
