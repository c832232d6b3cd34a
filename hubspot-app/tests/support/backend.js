// A fake Deeto backend behind hubspot.fetch, answering from the shared contract fixtures.
import { readFileSync } from 'node:fs';
import { hubspot } from '@hubspot/ui-extensions';
import { vi } from 'vitest';

const FIXTURES = new URL('../../src/app/cards/fixtures/', import.meta.url);

export const fixture = (name) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

export const reply = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

// `answer(url, options)` returns a Response; every call is recorded on the returned spy.
export const fakeBackend = (answer) =>
  vi.spyOn(hubspot, 'fetch').mockImplementation(async (url, options) => answer(new URL(url), options));
