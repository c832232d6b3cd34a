// Reading and validating API_BASE, the backend origin the card, the OAuth redirect and the
// webhook subscription all point at.
import { readFileSync } from 'node:fs';

const API_BASE_LINE = /^export const API_BASE = '([^']*)';$/m;

export function readApiBase(cardConfigPath) {
  const match = readFileSync(cardConfigPath, 'utf8').match(API_BASE_LINE);
  if (!match) throw new Error(`${cardConfigPath} has no "export const API_BASE = '…';" line`);
  return match[1];
}

export function replaceApiBase(cardConfigSource, apiBase) {
  if (!API_BASE_LINE.test(cardConfigSource)) throw new Error('config.js has no API_BASE line');
  return cardConfigSource.replace(API_BASE_LINE, `export const API_BASE = '${apiBase}';`);
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '::1']);

// HubSpot only lets hubspot.fetch reach public https origins listed in permittedUrls, and
// OAuth and webhook deliveries come from HubSpot's servers: a local URL can never work.
export function normaliseApiBase(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`not a URL: ${raw}`);
  }
  if (url.protocol !== 'https:') throw new Error(`API URL must use https, got ${url.protocol}`);
  const host = url.hostname.toLowerCase();
  if (LOCAL_HOSTS.has(host) || host.endsWith('.localhost')) {
    throw new Error(`API URL must be publicly reachable, got ${host}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error('API URL must not carry credentials, a query or a fragment');
  }
  // An API Gateway stage path (e.g. /prod) is kept; only the trailing slash goes.
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
