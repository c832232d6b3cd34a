#!/usr/bin/env node
// Generates src/app/webhooks/deeto-webhooks-hsmeta.json from the backend's config, so the
// properties HubSpot reports changes for are exactly the ones the backend maps or watches.
//   node scripts/webhooks.mjs          write the file
//   node scripts/webhooks.mjs --check  exit 1 if the committed file is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readApiBase } from './api-base.mjs';
import { projectFiles } from './paths.mjs';

// field-mapping.json is keyed by plural CRM names, campaign rules and webhooks use singular.
const OBJECT_TYPES = [
  { singular: 'contact', plural: 'contacts' },
  { singular: 'company', plural: 'companies' },
  { singular: 'deal', plural: 'deals' },
];
const RECORD_EVENTS = ['object.creation', 'object.deletion', 'object.merge', 'object.associationChange'];

export function watchedProperties(fieldMapping, campaignRules, { singular, plural }) {
  const mapped = fieldMapping[plural] ?? [];
  const ruled = (campaignRules.rules ?? []).filter((r) => r.object === singular).map((r) => r.property);
  return [...new Set([...mapped, ...ruled])];
}

export function renderWebhooks({ apiBase, fieldMapping, campaignRules }) {
  const crmObjects = OBJECT_TYPES.flatMap((type) => [
    ...RECORD_EVENTS.map((subscriptionType) => ({ subscriptionType, objectType: type.singular, active: true })),
    ...watchedProperties(fieldMapping, campaignRules, type).map((propertyName) => ({
      subscriptionType: 'object.propertyChange',
      objectType: type.singular,
      propertyName,
      active: true,
    })),
  ]);
  const meta = {
    uid: 'deeto-webhooks',
    type: 'webhooks',
    config: {
      settings: { targetUrl: `${apiBase}/webhooks/hubspot`, maxConcurrentRequests: 10 },
      subscriptions: { crmObjects, legacyCrmObjects: [], hubEvents: [] },
    },
  };
  return `${JSON.stringify(meta, null, 2)}\n`;
}

export function renderForProject(files, apiBase = readApiBase(files.cardConfig)) {
  const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
  return renderWebhooks({
    apiBase,
    fieldMapping: readJson(files.fieldMapping),
    campaignRules: readJson(files.campaignRules),
  });
}

function main(args) {
  const files = projectFiles();
  const expected = renderForProject(files);
  if (args.includes('--check')) {
    const actual = readFileSync(files.webhooksMeta, 'utf8');
    if (actual !== expected) {
      console.error(`${files.webhooksMeta} is stale: run node scripts/webhooks.mjs`);
      process.exit(1);
    }
    console.log('webhooks hsmeta is up to date');
    return;
  }
  writeFileSync(files.webhooksMeta, expected);
  console.log(`wrote ${files.webhooksMeta}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
