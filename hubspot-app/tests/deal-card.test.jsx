import { Alert, Button, Table, Tag, Text, Tile } from '@hubspot/ui-extensions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBackend, fixture, reply } from './support/backend.js';
import { associations, renderCard } from './support/card.jsx';
import { textOf } from './support/text.js';

afterEach(() => vi.restoreAllMocks());

const ACME = {
  toObjectId: 301,
  associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 5, label: 'Primary' }],
  properties: { industry: 'COMPUTER_SOFTWARE', numberofemployees: '250' },
};
const SUBSIDIARY = {
  toObjectId: 302,
  associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 341, label: null }],
  properties: { industry: 'RETAIL', numberofemployees: '12' },
};

const dealBackend = (onPost) =>
  fakeBackend((url, options) => {
    if (url.pathname === '/card') return reply(200, fixture('card-deal-ready.json'));
    return onPost(url, options);
  });

describe('deal record', () => {
  it("sends the primary company's industry and size with the card request", async () => {
    const fetch = dealBackend();
    const { findByTestId, waitFor } = renderCard('deal', '501', { companies: associations([SUBSIDIARY, ACME]) });

    await waitFor(() => expect(findByTestId(Table, 'connections')).toBeDefined());
    expect(fetch).toHaveBeenCalledWith(
      'https://deeto-hubspot.example.com/card?objectType=deal&objectId=501&industry=COMPUTER_SOFTWARE&companySize=250',
    );
  });

  it('still loads, without match hints, when the company read fails', async () => {
    const fetch = dealBackend();
    const failed = associations([], { error: new Error('no access') });
    const { findByTestId, waitFor } = renderCard('deal', '501', { companies: failed });

    await waitFor(() => expect(findByTestId(Table, 'connections')).toBeDefined());
    expect(fetch).toHaveBeenCalledWith('https://deeto-hubspot.example.com/card?objectType=deal&objectId=501');
  });

  it('shows connections, match criteria and suggestions', async () => {
    dealBackend();
    const { findByTestId, waitFor } = renderCard('deal', '501', { companies: associations([ACME]) });

    await waitFor(() => expect(textOf(findByTestId(Table, 'connections'))).toContain('Scheduled'));
    expect(findByTestId(Text, 'match-criteria').text).toBe(
      'Matching references on industry Computer software and about 250 employees.',
    );
    expect(findByTestId(Button, 'request-101').text).toBe('Request reference');
    expect(textOf(findByTestId(Tile, 'suggestion-101'))).toContain('CTO at Acme');
    expect(textOf(findByTestId(Tile, 'suggestion-101'))).toContain('Same industry Similar company size');
    expect(findByTestId(Tag, 'requested-103').text).toBe('Requested'); // asked before this visit
  });

  it('requests a reference, shows the answer and marks the suggestion requested', async () => {
    const fetch = dealBackend(() => reply(200, fixture('request-reference-response.json')));
    const { findByTestId, maybeFindByTestId, waitFor } = renderCard('deal', '501', {
      companies: associations([ACME]),
    });
    await waitFor(() => expect(findByTestId(Button, 'request-101')).toBeDefined());

    findByTestId(Button, 'request-101').trigger('onClick');

    await waitFor(() => expect(maybeFindByTestId(Alert, 'request-message-101')).not.toBeNull());
    expect(fetch).toHaveBeenLastCalledWith('https://deeto-hubspot.example.com/card/actions/request-reference', {
      method: 'POST',
      body: fixture('request-reference-request.json'),
    });
    expect(findByTestId(Alert, 'request-message-101').text).toBe(
      'Deeto will ask Ada Lovelace to help with this deal.',
    );
    expect(findByTestId(Tag, 'requested-101').text).toBe('Requested');
    expect(maybeFindByTestId(Button, 'request-101')).toBeNull();
  });

  it("shows the backend's reason when a request is refused", async () => {
    dealBackend(() => reply(409, fixture('error-not-connected.json')));
    const { findByTestId, maybeFindByTestId, waitFor } = renderCard('deal', '501', {
      companies: associations([ACME]),
    });
    await waitFor(() => expect(findByTestId(Button, 'request-101')).toBeDefined());

    findByTestId(Button, 'request-101').trigger('onClick');

    await waitFor(() => expect(maybeFindByTestId(Alert, 'request-message-101')).not.toBeNull());
    const alert = findByTestId(Alert, 'request-message-101');
    expect(alert.props.variant).toBe('danger');
    expect(alert.text).toBe(fixture('error-not-connected.json').message);
    expect(findByTestId(Button, 'request-101').text).toBe('Request reference'); // can try again
  });
});
