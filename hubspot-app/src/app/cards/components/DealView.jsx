import React from 'react';
import { Flex, Heading, Text } from '@hubspot/ui-extensions';
import { humanise } from '../lib/labels.js';
import { useReferenceRequests } from '../lib/useReferenceRequests.js';
import { ConnectionTable } from './ConnectionTable.jsx';
import { Suggestions } from './Suggestions.jsx';

function criteriaText({ industry, companySize }) {
  const parts = [
    industry && `industry ${humanise(industry)}`,
    Number.isInteger(companySize) && `about ${companySize} employees`,
  ].filter(Boolean);
  return parts.length > 0
    ? `Matching references on ${parts.join(' and ')}.`
    : 'Add an industry and employee count to the primary company for better matches.';
}

export function DealView({ dealId, deal }) {
  const { byContact, request } = useReferenceRequests(dealId);
  return (
    <Flex direction="column" gap="medium">
      <Heading>Reference connections</Heading>
      <ConnectionTable connections={deal.connections} emptyText="No reference has been connected to this deal yet." />
      <Heading>Suggested references</Heading>
      <Text testId="match-criteria" variant="microcopy">
        {criteriaText(deal.matchCriteria ?? {})}
      </Text>
      <Suggestions suggestions={deal.suggestions} requests={byContact} onRequest={request} />
    </Flex>
  );
}
