import { StatusTag, Table, Text } from '@hubspot/ui-extensions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBackend, fixture, reply } from './support/backend.js';
import { renderCard } from './support/card.jsx';
import { textOf } from './support/text.js';

afterEach(() => vi.restoreAllMocks());

describe('company record', () => {
  it('lists the references at the company with their activity', async () => {
    const fetch = fakeBackend(() => reply(200, fixture('card-company-ready.json')));
    const { findByTestId, waitFor } = renderCard('company', '301');

    await waitFor(() => expect(findByTestId(Table, 'references')).toBeDefined());
    expect(fetch).toHaveBeenCalledWith('https://deeto-hubspot.example.com/card?objectType=company&objectId=301');
    expect(findByTestId(StatusTag, 'sync-status').text).toBe('Sync with Deeto queued');

    const text = textOf(findByTestId(Table, 'references'));
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('CTO');
    expect(text).toContain('ada@example.com');
    expect(text).toContain('Meeting · Completed');
    expect(text).toContain('Grace Hopper');
    expect(text).toContain('None yet');
  });

  it('says so when the company has no references', async () => {
    const body = fixture('card-company-ready.json');
    body.company.references = [];
    fakeBackend(() => reply(200, body));
    const { findByTestId, waitFor } = renderCard('company', '301');

    await waitFor(() => expect(findByTestId(Text, 'no-references')).toBeDefined());
  });
});
