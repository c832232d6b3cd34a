// The backend's own words when it explained the failure, a generic retry text otherwise.
import React from 'react';
import { Button, ErrorState, Text } from '@hubspot/ui-extensions';
import { GENERIC_ERROR } from '../lib/labels.js';

export function LoadError({ error, onRetry }) {
  return (
    <ErrorState testId="load-error" title="Deeto is unavailable" type="support">
      <Text>{error?.backendMessage ?? GENERIC_ERROR}</Text>
      <Button testId="retry" onClick={onRetry}>
        Try again
      </Button>
    </ErrorState>
  );
}
