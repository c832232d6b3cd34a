import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectFiles } from '../scripts/paths.mjs';
import { renderForProject, renderWebhooks } from '../scripts/webhooks.mjs';

const files = projectFiles();
const committed = () => JSON.parse(readFileSync(files.webhooksMeta, 'utf8'));

describe('webhooks hsmeta', () => {
  it('is exactly what scripts/webhooks.mjs generates from config/ (run it after editing config/)', () => {
    expect(readFileSync(files.webhooksMeta, 'utf8')).toBe(renderForProject(files));
  });

  it('subscribes to every mapped property and every property a campaign rule watches', () => {
    const subs = committed().config.subscriptions.crmObjects;
    const watched = (objectType) =>
      subs.filter((s) => s.subscriptionType === 'object.propertyChange' && s.objectType === objectType).map((s) => s.propertyName);
    const mapping = JSON.parse(readFileSync(files.fieldMapping, 'utf8'));
    const rules = JSON.parse(readFileSync(files.campaignRules, 'utf8')).rules;

    expect(watched('contact')).toEqual(expect.arrayContaining(mapping.contacts));
    expect(watched('company')).toEqual(expect.arrayContaining(mapping.companies));
    expect(watched('deal')).toEqual(expect.arrayContaining(mapping.deals));
    for (const rule of rules) expect(watched(rule.object)).toContain(rule.property);
  });

  it('covers creation, deletion, merge and association changes for each object', () => {
    const subs = committed().config.subscriptions.crmObjects;
    for (const objectType of ['contact', 'company', 'deal']) {
      for (const type of ['object.creation', 'object.deletion', 'object.merge', 'object.associationChange']) {
        expect(subs).toContainEqual({ subscriptionType: type, objectType, active: true });
      }
    }
  });

  it('delivers to the backend with the agreed concurrency', () => {
    expect(committed().config.settings).toEqual({
      targetUrl: 'https://deeto-hubspot.example.com/webhooks/hubspot',
      maxConcurrentRequests: 10,
    });
  });

  it('adds a campaign-rule property that the field mapping lacks, once', () => {
    const out = JSON.parse(
      renderWebhooks({
        apiBase: 'https://api.example.com',
        fieldMapping: { contacts: ['email'], companies: [], deals: ['dealstage'] },
        campaignRules: {
          rules: [
            { object: 'contact', property: 'hs_lead_status' },
            { object: 'deal', property: 'dealstage' },
          ],
        },
      }),
    );
    const props = out.config.subscriptions.crmObjects.filter((s) => s.propertyName).map((s) => `${s.objectType}.${s.propertyName}`);
    expect(props).toEqual(['contact.email', 'contact.hs_lead_status', 'deal.dealstage']);
  });
});
