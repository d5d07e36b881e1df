'use client';
/**
 * `useKommo()`: the original app's hook, now a thin client of `POST /api/crm/kommo`. It sends
 * `{ action, input }` and never sees a token. `useSyncStatus()` polls `GET /api/crm/status`.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CreatedLead, KommoActionRequest, RecentLead } from '../lib/kommo-route';
import type { AppStatus } from '../lib/sync';

/** The input of {@link useKommo}'s `createLead`. */
export type CreateLeadInput = Extract<
  KommoActionRequest,
  { action: 'createLeadFromChat' }
>['input'];

interface ErrorBody {
  error?: string;
  message?: string;
  issues?: Array<{ path: string; message: string }>;
}

/** A readable message from the route's error answer. */
function describe(status: number, body: ErrorBody): string {
  if (body.issues && body.issues.length > 0)
    return body.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return body.message ?? body.error ?? `HTTP ${status}`;
}

/** Calls one allow-listed action; throws an `Error` with a readable message on failure. */
async function callAction<T>(endpoint: string, request: KommoActionRequest): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await response.json().catch(() => ({}))) as T & ErrorBody;
  if (!response.ok) throw new Error(describe(response.status, body));
  return body;
}

/** The hook: `createLead` (with `loading` and `error`), `recentLeads`, and any action with `call`. */
export function useKommo(endpoint = '/api/crm/kommo'): {
  createLead: (input: CreateLeadInput) => Promise<CreatedLead | undefined>;
  recentLeads: (limit?: number) => Promise<RecentLead[]>;
  call: <T>(request: KommoActionRequest) => Promise<T>;
  loading: boolean;
  error: string | undefined;
} {
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const call = useCallback(
    <T>(request: KommoActionRequest) => callAction<T>(endpoint, request),
    [endpoint],
  );
  const createLead = useCallback(
    async (input: CreateLeadInput): Promise<CreatedLead | undefined> => {
      setLoading(true);
      setError(undefined);
      try {
        return await call<CreatedLead>({ action: 'createLeadFromChat', input });
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
        return undefined;
      } finally {
        setLoading(false);
      }
    },
    [call],
  );
  const recentLeads = useCallback(
    async (limit = 10) =>
      (await call<{ leads: RecentLead[] }>({ action: 'recentLeads', input: { limit } })).leads,
    [call],
  );
  return { createLead, recentLeads, call, loading, error };
}

/** Polls the sync status every `intervalMs`; keeps the last good answer when a poll fails. */
export function useSyncStatus(
  intervalMs = 1000,
  endpoint = '/api/crm/status',
): { status: AppStatus | undefined; error: string | undefined } {
  const [status, setStatus] = useState<AppStatus | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        const response = await fetch(endpoint, { cache: 'no-store' });
        const body = (await response.json()) as AppStatus & ErrorBody;
        if (!response.ok) throw new Error(describe(response.status, body));
        if (!stopped) {
          setStatus(body);
          setError(undefined);
        }
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped) timer = setTimeout(() => void poll(), intervalMs);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [endpoint, intervalMs]);
  return { status, error };
}
