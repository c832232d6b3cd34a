// Renders the real card for each fixture through HubSpot's testing renderer and writes
// preview/out/index.html. Run with `npm run preview:build` (vitest is the JSX runner).
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, it, vi } from 'vitest';
import { fakeBackend, fixture, reply } from '../tests/support/backend.js';
import { associations, renderCard } from '../tests/support/card.jsx';
import { toHtml } from './html.js';
import { page, recordPanel } from './page.js';

const PRIMARY_COMPANY = {
  toObjectId: 301,
  associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 5, label: 'Primary' }],
  properties: { industry: 'COMPUTER_SOFTWARE', numberofemployees: '250' },
};

const SCENARIOS = [
  { type: 'Contact', name: 'Ada Lovelace', objectType: 'contact', id: '101', response: 'card-contact-ready.json' },
  { type: 'Company', name: 'Acme', objectType: 'company', id: '301', response: 'card-company-ready.json' },
  { type: 'Deal', name: 'Acme – Platform expansion', objectType: 'deal', id: '501', response: 'card-deal-ready.json' },
  { type: 'Contact (Deeto not installed)', name: 'Grace Hopper', objectType: 'contact', id: '102', response: 'card-not-installed.json' },
];

async function renderScenario(s) {
  fakeBackend(() => reply(200, fixture(s.response)));
  const renderer = renderCard(s.objectType, s.id, { companies: associations([PRIMARY_COMPANY]) });
  await vi.waitFor(() => {
    if (/Loading Deeto data/.test(renderer.getRootNode().toString())) throw new Error('still loading');
  });
  const cardHtml = toHtml(renderer.getRootNode());
  vi.restoreAllMocks();
  return recordPanel({ type: s.type, name: s.name, cardHtml });
}

afterEach(() => vi.restoreAllMocks());

it('writes preview/out/index.html', async () => {
  const panels = [];
  for (const s of SCENARIOS) panels.push(await renderScenario(s));
  const out = new URL('./out/', import.meta.url);
  mkdirSync(out, { recursive: true });
  writeFileSync(new URL('index.html', out), page(panels));
});
