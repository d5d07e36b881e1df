/**
 * `useKommo`: the React hook of the original app, now a thin client of the API route. It
 * posts `{ action, input }` to `/api/kommo` and never sees a token. Client component code.
 */
import { useCallback, useState } from 'react';
import type { KommoAction, KommoActionRequest } from './api-route.js';

/** The state of the last call. */
export interface KommoCallState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/** Calls one allow-listed action of the API route. */
export function useKommo<T = unknown>(
  endpoint = '/api/kommo',
): KommoCallState<T> & { call: (request: KommoActionRequest) => Promise<T | undefined> } {
  const [state, setState] = useState<KommoCallState<T>>({
    data: undefined,
    error: undefined,
    loading: false,
  });
  const call = useCallback(
    async (request: KommoActionRequest): Promise<T | undefined> => {
      setState((s) => ({ ...s, loading: true, error: undefined }));
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
        });
        const body = (await response.json()) as T & { error?: string };
        if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
        setState({ data: body, error: undefined, loading: false });
        return body;
      } catch (error) {
        setState({
          data: undefined,
          error: error instanceof Error ? error.message : String(error),
          loading: false,
        });
        return undefined;
      }
    },
    [endpoint],
  );
  return { ...state, call };
}

/** The actions a component may call (re-exported for typed buttons). */
export type { KommoAction };
