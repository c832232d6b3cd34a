// Deals first read their primary company's industry and size from HubSpot, so the backend
// can rank references for the deal; the fetch waits until that read settles.
import React from 'react';
import { LoadingSpinner } from '@hubspot/ui-extensions';
import { useAssociations } from '@hubspot/ui-extensions/crm';
import { COMPANY_TYPE_ID, matchHints } from '../lib/crmObject.js';
import { RecordCard } from './RecordCard.jsx';

export function DealCard({ dealId }) {
  const companies = useAssociations({
    toObjectType: COMPANY_TYPE_ID,
    properties: ['industry', 'numberofemployees'],
    pageLength: 10,
  });
  if (companies.isLoading) {
    return <LoadingSpinner testId="loading" label="Loading Deeto data…" layout="centered" />;
  }
  // Without company data the backend still answers; it just ranks on what it knows.
  const hints = companies.error ? {} : matchHints(companies.results);
  return <RecordCard query={{ objectType: 'deal', objectId: String(dealId), ...hints }} />;
}
