// One line above every record view: how fresh the Deeto data is, and a way to reload it.
import React from 'react';
import { Button, Flex, StatusTag, Text } from '@hubspot/ui-extensions';
import { SYNC_STATUS, formatTimestamp, humanise } from '../lib/labels.js';

export function SyncBar({ sync, onRefresh }) {
  const status = SYNC_STATUS[sync.status] ?? { text: humanise(sync.status), variant: 'default' };
  const last = sync.lastSyncedAt ? formatTimestamp(sync.lastSyncedAt) : null;
  return (
    <Flex direction="row" justify="between" align="center" gap="small">
      <Flex direction="row" align="center" gap="small">
        <StatusTag testId="sync-status" variant={status.variant}>
          {status.text}
        </StatusTag>
        <Text testId="last-synced" variant="microcopy">
          {last ? `Last synced ${last}` : 'Never synced'}
        </Text>
      </Flex>
      <Button testId="refresh" size="small" variant="secondary" onClick={onRefresh}>
        Refresh
      </Button>
    </Flex>
  );
}
