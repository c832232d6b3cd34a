// Words and tag colours for the codes the backend sends. Unknown codes fall back to the
// backend's own label (typeLabel) or the raw code, so a new status never blanks the card.

export const SYNC_STATUS = {
  queued: { text: 'Sync with Deeto queued', variant: 'info' },
  synced: { text: 'Synced with Deeto just now', variant: 'success' },
  fresh: { text: 'Up to date with Deeto', variant: 'success' },
  cooling_down: { text: 'Sync already requested, check back shortly', variant: 'default' },
  deferred: { text: 'Sync postponed while HubSpot is busy', variant: 'warning' },
};

export const REFERENCE_STATUS = {
  reference: { text: 'Reference', variant: 'success' },
  lead: { text: 'Reference lead', variant: 'info' },
  prospect: { text: 'Prospect', variant: 'default' },
  none: { text: 'Not a reference', variant: 'default' },
};

const CONNECTION_STATUS_VARIANT = {
  requested: 'warning',
  scheduled: 'info',
  completed: 'success',
  cancelled: 'danger',
  declined: 'danger',
};

export const connectionStatusVariant = (status) => CONNECTION_STATUS_VARIANT[status] ?? 'default';

export const humanise = (code) => {
  const words = String(code).replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export const MATCHED_ON = { industry: 'Same industry', companySize: 'Similar company size' };

// Locale-free so the card reads the same for every user and in tests.
export function formatTimestamp(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const GENERIC_ERROR = 'Deeto could not load this record right now. Try again in a moment.';

export const GENERIC_REQUEST_ERROR = 'Deeto could not send the request. Try again in a moment.';
