import React from 'react';
import {
  Flex,
  Heading,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { humanise } from '../lib/labels.js';

const activityText = (activity) =>
  activity ? `${activity.typeLabel || humanise(activity.type)} · ${humanise(activity.status)}` : 'None yet';

export function CompanyView({ company }) {
  return (
    <Flex direction="column" gap="medium">
      <Heading>References at this company</Heading>
      {company.references.length === 0 ? (
        <Text testId="no-references">No contact at this company is a Deeto reference yet.</Text>
      ) : (
        <Table testId="references" bordered flush>
          <TableHead>
            <TableRow>
              <TableHeader>Reference</TableHeader>
              <TableHeader>Email</TableHeader>
              <TableHeader>Connections</TableHeader>
              <TableHeader>Last activity</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {company.references.map((r) => (
              <TableRow key={r.contactId}>
                <TableCell>
                  <Text format={{ fontWeight: 'demibold' }}>{r.name}</Text>
                  {r.jobTitle && <Text variant="microcopy">{r.jobTitle}</Text>}
                </TableCell>
                <TableCell>{r.email}</TableCell>
                <TableCell>{String(r.connections)}</TableCell>
                <TableCell>{activityText(r.lastActivity)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Flex>
  );
}
