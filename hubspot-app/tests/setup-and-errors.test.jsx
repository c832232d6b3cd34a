import { Button, EmptyState, ErrorState, Text } from '@hubspot/ui-extensions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBackend, fixture, reply } from './support/backend.js';
import { renderCard } from './support/card.jsx';
import { textOf } from './support/text.js';

afterEach(() => vi.restoreAllMocks());

describe('portal without a working Deeto connection', () => {
  it.each([
    ['card-not-installed.json', 'Install Deeto'],
    ['card-reconnect.json', 'Reconnect Deeto'],
  ])('%s shows the title, the message and the %s link', async (name, label) => {
    const setup = fixture(name);
    fakeBackend(() => reply(200, setup));
    const { findByTestId, waitFor } = renderCard('contact', '101');

    await waitFor(() => expect(findByTestId(EmptyState, 'setup-needed')).toBeDefined());
    expect(findByTestId(EmptyState, 'setup-needed').props.title).toBe(setup.title);
    expect(textOf(findByTestId(EmptyState, 'setup-needed'))).toContain(setup.message);
    const action = findByTestId(Button, 'setup-action');
    expect(action.text).toBe(label);
    expect(action.props.href).toEqual({ url: setup.action.url, external: true });
  });
});

describe('backend failures', () => {
  it("shows the backend's message from an error body", async () => {
    fakeBackend(() => reply(503, fixture('error-unavailable.json')));
    const { findByTestId, waitFor } = renderCard('company', '301');

    await waitFor(() => expect(findByTestId(ErrorState, 'load-error')).toBeDefined());
    expect(findByTestId(ErrorState, 'load-error').find(Text).text).toBe(fixture('error-unavailable.json').message);
  });

  it('falls back to a retry text when the error has no readable body', async () => {
    fakeBackend(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const { findByTestId, waitFor } = renderCard('company', '301');

    await waitFor(() => expect(findByTestId(ErrorState, 'load-error')).toBeDefined());
    expect(findByTestId(ErrorState, 'load-error').find(Text).text).toBe(
      'Deeto could not load this record right now. Try again in a moment.',
    );
  });

  it('retries after a network failure', async () => {
    const fetch = fakeBackend(() => reply(200, fixture('card-company-ready.json')));
    fetch.mockRejectedValueOnce(new Error('connection reset'));
    const { findByTestId, maybeFindByTestId, waitFor } = renderCard('company', '301');

    await waitFor(() => expect(findByTestId(ErrorState, 'load-error')).toBeDefined());
    findByTestId(Button, 'retry').trigger('onClick');

    await waitFor(() => expect(maybeFindByTestId(ErrorState, 'load-error')).toBeNull());
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});

describe('refresh', () => {
  it('loads the record again', async () => {
    const fetch = fakeBackend(() => reply(200, fixture('card-contact-ready.json')));
    const { findByTestId, waitFor } = renderCard('contact', '101');
    await waitFor(() => expect(findByTestId(Button, 'refresh')).toBeDefined());

    findByTestId(Button, 'refresh').trigger('onClick');

    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(findByTestId(Button, 'refresh')).toBeDefined());
  });
});
