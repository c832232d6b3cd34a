// Tracks "Request reference" clicks for one deal: which are in flight, which succeeded,
// and the backend's message for each, so the list can update without a full reload.
import { useCallback, useState } from 'react';
import { requestReference } from './backend.js';
import { GENERIC_REQUEST_ERROR } from './labels.js';

export function useReferenceRequests(dealId) {
  const [byContact, setByContact] = useState({});

  const request = useCallback(
    async (referenceContactId) => {
      const set = (entry) => setByContact((all) => ({ ...all, [referenceContactId]: entry }));
      set({ status: 'pending', message: null });
      try {
        const answer = await requestReference({ dealId, referenceContactId });
        set({ status: 'requested', message: answer.message ?? null });
      } catch (error) {
        set({ status: 'failed', message: error.backendMessage ?? GENERIC_REQUEST_ERROR });
      }
    },
    [dealId],
  );

  return { byContact, request };
}
