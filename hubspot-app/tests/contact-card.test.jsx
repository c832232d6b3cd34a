import { LoadingSpinner, StatusTag, Table, Text } from '@hubspot/ui-extensions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBackend, fixture, reply } from './support/backend.js';
import { renderCard } from './support/card.jsx';
import { textOf } from './support/text.js';

afterEach(() => vi.restoreAllMocks());

describe('contact record', () => {
  it('asks the backend for this contact and shows a spinner until it answers', async () => {
    let answer;
    const fetch = fakeBackend(() => new Promise((resolve) => (answer = resolve)));
    const { findByTestId, maybeFind, waitFor } = renderCard('contact', '101');

    expect(findByTestId(LoadingSpinner, 'loading')).toBeDefined();
    // The request starts in an effect and changes nothing on screen: poll the spy itself.
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    expect(fetch).toHaveBeenCalledWith('https://deeto-hubspot.example.com/card?objectType=contact&objectId=101');
    expect(fetch.mock.calls[0]).toHaveLength(1); // a plain GET: no headers, no body

    answer(reply(200, fixture('card-contact-ready.json')));
    await waitFor(() => expect(maybeFind(LoadingSpinner)).toBeNull());
  });

  it('shows a reference with its status, Deeto id and connections', async () => {
    fakeBackend(() => reply(200, fixture('card-contact-ready.json')));
    const { findByTestId, waitFor } = renderCard('contact', '101');

    await waitFor(() => expect(findByTestId(StatusTag, 'reference-status').text).toBe('Reference'));
    expect(findByTestId(Text, 'deeto-id').text).toBe('ref_9');
    expect(findByTestId(StatusTag, 'sync-status').text).toBe('Up to date with Deeto');
    expect(findByTestId(Text, 'last-synced').text).toBe('Last synced 2026-12-04 09:00 UTC');

    const rows = textOf(findByTestId(Table, 'connections'));
    expect(rows).toContain('Meeting');
    expect(rows).toContain('Scheduled');
    expect(rows).toContain('Reference call');
    expect(rows).toContain('Completed');
    expect(rows).toContain('9001');
    expect(rows).toContain('502');
  });

  it('says so when the contact has no connections', async () => {
    const body = fixture('card-contact-ready.json');
    body.contact = { referenceStatus: 'none', deetoId: null, connections: [] };
    fakeBackend(() => reply(200, body));
    const { findByTestId, waitFor } = renderCard('contact', '101');

    await waitFor(() => expect(findByTestId(StatusTag, 'reference-status').text).toBe('Not a reference'));
    expect(findByTestId(Text, 'deeto-id').text).toBe('Not in Deeto yet');
    expect(findByTestId(Text, 'no-connections')).toBeDefined();
  });
});
