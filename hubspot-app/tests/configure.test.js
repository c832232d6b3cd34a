import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normaliseApiBase } from '../scripts/api-base.mjs';
import { APP_ROOT } from '../scripts/paths.mjs';

const SCRIPT = path.join(APP_ROOT, 'scripts/configure.mjs');
const NEW_BASE = 'https://xyz.execute-api.eu-west-1.amazonaws.com';

// A scratch copy laid out like the repo (app/ beside config/), so the real files stay put.
let scratch;
let app;
beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'deeto-configure-'));
  app = path.join(scratch, 'hubspot-app');
  cpSync(path.join(APP_ROOT, 'src'), path.join(app, 'src'), { recursive: true });
  cpSync(path.join(APP_ROOT, '../config'), path.join(scratch, 'config'), { recursive: true });
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const read = (rel) => readFileSync(path.join(app, rel), 'utf8');
const run = (url) => execFileSync('node', [SCRIPT, '--api-url', url, '--root', app], { stdio: 'pipe' });
const snapshot = () => ['src/app/cards/config.js', 'src/app/app-hsmeta.json', 'src/app/webhooks/deeto-webhooks-hsmeta.json'].map(read);

describe('configure.mjs', () => {
  it('points the card, the OAuth redirect, the fetch allow-list and the webhooks at the new API', () => {
    run(`${NEW_BASE}/`);

    expect(read('src/app/cards/config.js')).toContain(`export const API_BASE = '${NEW_BASE}';`);
    const app = JSON.parse(read('src/app/app-hsmeta.json')).config;
    expect(app.auth.redirectUrls).toEqual([`${NEW_BASE}/oauth/callback`]);
    expect(app.permittedUrls.fetch).toEqual([NEW_BASE]);
    const hooks = JSON.parse(read('src/app/webhooks/deeto-webhooks-hsmeta.json')).config;
    expect(hooks.settings.targetUrl).toBe(`${NEW_BASE}/webhooks/hubspot`);
    expect(snapshot().join('\n')).not.toContain('deeto-hubspot.example.com');
  });

  it.each(['http://xyz.execute-api.eu-west-1.amazonaws.com', 'https://localhost:3000', 'https://127.0.0.1', 'not a url'])(
    'refuses %s and leaves every file as it was',
    (url) => {
      const before = snapshot();
      expect(() => run(url)).toThrow();
      expect(snapshot()).toEqual(before);
    },
  );

  it('keeps an API Gateway stage path and drops the trailing slash', () => {
    expect(normaliseApiBase('https://abc.execute-api.us-east-1.amazonaws.com/prod/')).toBe(
      'https://abc.execute-api.us-east-1.amazonaws.com/prod',
    );
  });
});
