#!/usr/bin/env node
// Points the project at a deployed backend:
//   node scripts/configure.mjs --api-url https://xyz.execute-api.eu-west-1.amazonaws.com
// Rewrites the card's API_BASE, the app's OAuth redirect and permitted fetch origin, and
// regenerates the webhooks file. Refuses http and local URLs (HubSpot cannot call them).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normaliseApiBase, replaceApiBase } from './api-base.mjs';
import { APP_ROOT, projectFiles } from './paths.mjs';
import { renderForProject } from './webhooks.mjs';

export function configure(apiUrl, files = projectFiles()) {
  const apiBase = normaliseApiBase(apiUrl);

  writeFileSync(files.cardConfig, replaceApiBase(readFileSync(files.cardConfig, 'utf8'), apiBase));

  const app = JSON.parse(readFileSync(files.appMeta, 'utf8'));
  app.config.auth.redirectUrls = [`${apiBase}/oauth/callback`];
  app.config.permittedUrls.fetch = [apiBase];
  writeFileSync(files.appMeta, `${JSON.stringify(app, null, 2)}\n`);

  writeFileSync(files.webhooksMeta, renderForProject(files, apiBase));
  return apiBase;
}

function parseArgs(argv) {
  const value = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return { apiUrl: value('--api-url'), root: value('--root') };
}

function main(argv) {
  const { apiUrl, root } = parseArgs(argv);
  if (!apiUrl) {
    console.error('usage: node scripts/configure.mjs --api-url https://<your-api-host>[/stage]');
    process.exit(2);
  }
  try {
    const apiBase = configure(apiUrl, projectFiles(root ? path.resolve(root) : APP_ROOT));
    console.log(`API_BASE is now ${apiBase}; upload with: hs project upload`);
  } catch (err) {
    console.error(`configure: ${err.message}`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
