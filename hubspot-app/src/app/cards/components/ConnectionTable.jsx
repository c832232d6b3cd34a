// Deeto connections (reference meetings, calls, …) tracked as HubSpot tickets.
import React from 'react';
import {
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { connectionStatusVariant, humanise } from '../lib/labels.js';

export function ConnectionTable({ connections, emptyText }) {
  if (connections.length === 0) {
    return <Text testId="no-connections">{emptyText}</Text>;
  }
  return (
    <Table testId="connections" bordered flush>
      <TableHead>
        <TableRow>
          <TableHeader>Connection</TableHeader>
          <TableHeader>Status</TableHeader>
          <TableHeader>Deal</TableHeader>
          <TableHeader>Ticket</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {connections.map((c) => (
          <TableRow key={c.connectionId}>
            <TableCell>{c.typeLabel || humanise(c.type)}</TableCell>
            <TableCell>
              <StatusTag variant={connectionStatusVariant(c.status)}>{humanise(c.status)}</StatusTag>
            </TableCell>
            <TableCell>{c.dealId ?? '—'}</TableCell>
            <TableCell>{c.ticketId ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
