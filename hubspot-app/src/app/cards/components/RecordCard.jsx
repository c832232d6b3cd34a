// Loads one record's Deeto data and picks the view for the state the backend reports.
import React from 'react';
import { Divider, Flex, LoadingSpinner } from '@hubspot/ui-extensions';
import { useCardData } from '../lib/useCardData.js';
import { CompanyView } from './CompanyView.jsx';
import { ContactView } from './ContactView.jsx';
import { DealView } from './DealView.jsx';
import { LoadError } from './LoadError.jsx';
import { SetupNeeded } from './SetupNeeded.jsx';
import { SyncBar } from './SyncBar.jsx';

function ReadyView({ data }) {
  if (data.contact) return <ContactView contact={data.contact} />;
  if (data.company) return <CompanyView company={data.company} />;
  if (data.deal) return <DealView dealId={data.object.id} deal={data.deal} />;
  return null;
}

export function RecordCard({ query }) {
  const { status, data, error, refresh } = useCardData(query);
  if (status === 'loading') {
    return <LoadingSpinner testId="loading" label="Loading Deeto data…" layout="centered" />;
  }
  if (status === 'error') return <LoadError error={error} onRetry={refresh} />;
  if (data.state !== 'ready') return <SetupNeeded setup={data} />;
  return (
    <Flex direction="column" gap="medium">
      <SyncBar sync={data.sync} onRefresh={refresh} />
      <Divider />
      <ReadyView data={data} />
    </Flex>
  );
}
