// Loads the card payload for one record and reloads it on demand (the refresh button).
import { useCallback, useEffect, useState } from 'react';
import { fetchCard } from './backend.js';

const LOADING = { status: 'loading', data: null, error: null };

export function useCardData(query) {
  const [state, setState] = useState(LOADING);
  const [attempt, setAttempt] = useState(0);
  const key = JSON.stringify(query);

  useEffect(() => {
    // A reply that lands after the record or attempt changed must not overwrite newer state.
    let current = true;
    setState(LOADING);
    fetchCard(JSON.parse(key)).then(
      (data) => current && setState({ status: 'ready', data, error: null }),
      (error) => current && setState({ status: 'error', data: null, error }),
    );
    return () => {
      current = false;
    };
  }, [key, attempt]);

  const refresh = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, refresh };
}
