// References Deeto suggests for this deal, best match first, each with a request button.
import React from 'react';
import { Alert, Button, Flex, Tag, Text, Tile } from '@hubspot/ui-extensions';
import { MATCHED_ON, humanise } from '../lib/labels.js';

const subtitle = (s) => [s.jobTitle, s.company].filter(Boolean).join(' at ');

function SuggestionTile({ suggestion, request, onRequest }) {
  const requested = suggestion.requested || request?.status === 'requested';
  const pending = request?.status === 'pending';
  return (
    <Tile testId={`suggestion-${suggestion.contactId}`} compact>
      <Flex direction="column" gap="extra-small">
        <Flex direction="row" justify="between" align="center">
          <Flex direction="column">
            <Text format={{ fontWeight: 'demibold' }}>{suggestion.name}</Text>
            {subtitle(suggestion) && <Text variant="microcopy">{subtitle(suggestion)}</Text>}
          </Flex>
          {requested ? (
            <Tag testId={`requested-${suggestion.contactId}`} variant="success">
              Requested
            </Tag>
          ) : (
            <Button
              testId={`request-${suggestion.contactId}`}
              size="small"
              variant="primary"
              disabled={pending}
              onClick={() => onRequest(suggestion.contactId)}
            >
              {pending ? 'Requesting…' : 'Request reference'}
            </Button>
          )}
        </Flex>
        <Flex direction="row" gap="extra-small" wrap>
          {suggestion.matchedOn.map((m) => (
            <Tag key={m} variant="info">
              {MATCHED_ON[m] ?? humanise(m)}
            </Tag>
          ))}
        </Flex>
        {request?.message && (
          <Alert
            testId={`request-message-${suggestion.contactId}`}
            title={request.status === 'failed' ? 'Request not sent' : 'Request sent'}
            variant={request.status === 'failed' ? 'danger' : 'success'}
          >
            {request.message}
          </Alert>
        )}
      </Flex>
    </Tile>
  );
}

export function Suggestions({ suggestions, requests, onRequest }) {
  if (suggestions.length === 0) {
    return <Text testId="no-suggestions">Deeto has no matching reference for this deal yet.</Text>;
  }
  return (
    <Flex direction="column" gap="small">
      {suggestions.map((s) => (
        <SuggestionTile key={s.contactId} suggestion={s} request={requests[s.contactId]} onRequest={onRequest} />
      ))}
    </Flex>
  );
}
