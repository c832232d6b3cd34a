import React from 'react';
import { DescriptionList, DescriptionListItem, Flex, Heading, StatusTag, Text } from '@hubspot/ui-extensions';
import { REFERENCE_STATUS, humanise } from '../lib/labels.js';
import { ConnectionTable } from './ConnectionTable.jsx';

export function ContactView({ contact }) {
  const status = REFERENCE_STATUS[contact.referenceStatus] ?? {
    text: humanise(contact.referenceStatus),
    variant: 'default',
  };
  return (
    <Flex direction="column" gap="medium">
      <DescriptionList direction="row">
        <DescriptionListItem label="Deeto status">
          <StatusTag testId="reference-status" variant={status.variant}>
            {status.text}
          </StatusTag>
        </DescriptionListItem>
        <DescriptionListItem label="Deeto ID">
          <Text testId="deeto-id">{contact.deetoId ?? 'Not in Deeto yet'}</Text>
        </DescriptionListItem>
      </DescriptionList>
      <Heading>Connections</Heading>
      <ConnectionTable
        connections={contact.connections}
        emptyText="This contact has not been connected with a prospect yet."
      />
    </Flex>
  );
}
