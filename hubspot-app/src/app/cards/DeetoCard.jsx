// Entry point of the Deeto app card (crm.record.tab on contacts, companies and deals).
import React from 'react';
import { Text, hubspot, useExtensionContext } from '@hubspot/ui-extensions';
import { DealCard } from './components/DealCard.jsx';
import { RecordCard } from './components/RecordCard.jsx';
import { objectTypeOf } from './lib/crmObject.js';

export function DeetoCard() {
  const { crm } = useExtensionContext();
  const objectType = objectTypeOf(crm.objectTypeId);
  const objectId = String(crm.objectId);
  if (objectType === 'deal') return <DealCard dealId={objectId} />;
  if (objectType) return <RecordCard query={{ objectType, objectId }} />;
  return <Text>Deeto has nothing to show for this kind of record.</Text>;
}

hubspot.extend(() => <DeetoCard />);
