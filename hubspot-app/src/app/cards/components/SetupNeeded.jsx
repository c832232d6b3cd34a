// Shown when the portal never installed Deeto or Deeto lost its HubSpot access: the only
// useful thing a user can do is follow the backend's install link.
import React from 'react';
import { Button, EmptyState, Text } from '@hubspot/ui-extensions';

export function SetupNeeded({ setup }) {
  return (
    <EmptyState testId="setup-needed" title={setup.title} imageName="integrations" layout="vertical">
      <Text>{setup.message}</Text>
      {setup.action && (
        <Button testId="setup-action" variant="primary" href={{ url: setup.action.url, external: true }}>
          {setup.action.label}
        </Button>
      )}
    </EmptyState>
  );
}
