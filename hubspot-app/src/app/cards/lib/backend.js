// Calls to the Deeto backend. hubspot.fetch adds portalId, userId, userEmail and appId to
// the query and signs the request, so the card sends neither headers nor identity.
import { hubspot } from '@hubspot/ui-extensions';
import { API_BASE } from '../config.js';

export class BackendError extends Error {
  // `message` is the backend's human text when it sent one, else null: the view then
  // falls back to a generic retry text instead of showing a status code.
  constructor(message, { status, code }) {
    super(message ?? `Deeto backend answered ${status}`);
    this.backendMessage = message;
    this.status = status;
    this.code = code;
  }
}

export function cardUrl({ objectType, objectId, industry, companySize }) {
  const query = new URLSearchParams({ objectType, objectId: String(objectId) });
  if (industry) query.set('industry', industry);
  if (Number.isInteger(companySize)) query.set('companySize', String(companySize));
  return `${API_BASE}/card?${query}`;
}

export const REQUEST_REFERENCE_URL = `${API_BASE}/card/actions/request-reference`;

async function jsonOrNull(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

async function call(url, options) {
  let response;
  try {
    response = options ? await hubspot.fetch(url, options) : await hubspot.fetch(url);
  } catch {
    throw new BackendError(null, { status: 0, code: 'network' });
  }
  const body = await jsonOrNull(response);
  if (!response.ok) {
    const message = typeof body?.message === 'string' ? body.message : null;
    throw new BackendError(message, { status: response.status, code: body?.error ?? null });
  }
  if (body === null || typeof body !== 'object') {
    throw new BackendError(null, { status: response.status, code: 'unreadable_body' });
  }
  return body;
}

export const fetchCard = (query) => call(cardUrl(query));

export const requestReference = ({ dealId, referenceContactId }) =>
  call(REQUEST_REFERENCE_URL, { method: 'POST', body: { dealId, referenceContactId } });
