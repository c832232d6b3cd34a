// The one place the card learns where the Deeto backend lives.
// `node scripts/configure.mjs --api-url https://…` rewrites this line together with the
// hsmeta files (permittedUrls.fetch, OAuth redirect, webhook target), so they never disagree.
export const API_BASE = 'https://deeto-hubspot.example.com';
