/**
 * `SyncStatus`: a small component showing the CRM sync health from the `syncStatus` action
 * (requests, errors, conversion). Written with `createElement`, so it needs no JSX setting.
 */
import { createElement, useEffect, type ReactElement } from 'react';
import type { MetricsSnapshot } from '../../src/index.js';
import { useKommo } from './use-kommo.js';

/** Props of {@link SyncStatus}. */
export interface SyncStatusProps {
  /** Refresh period, ms. @defaultValue 30000 */
  intervalMs?: number;
}

/** Shows the last sync snapshot and refreshes it periodically. */
export function SyncStatus({ intervalMs = 30_000 }: SyncStatusProps): ReactElement {
  const { data, error, loading, call } = useKommo<{
    ok: boolean;
    metrics: MetricsSnapshot | null;
  }>();
  useEffect(() => {
    void call({ action: 'syncStatus', input: {} });
    const timer = setInterval(() => void call({ action: 'syncStatus', input: {} }), intervalMs);
    return () => clearInterval(timer);
  }, [call, intervalMs]);

  if (error) return createElement('p', { role: 'alert' }, `Kommo sync: ${error}`);
  const m = data?.metrics;
  if (!m)
    return createElement('p', null, loading ? 'Kommo sync: checking…' : 'Kommo sync: no data');
  return createElement(
    'dl',
    { 'aria-label': 'Kommo sync status' },
    createElement('dt', null, 'Requests'),
    createElement('dd', null, `${m.requests} (${m.syncErrors} errors, ${m.retries} retries)`),
    createElement('dt', null, 'Response time p95'),
    createElement('dd', null, `${m.requestTimeMs.p95} ms`),
    createElement('dt', null, 'Chats → leads'),
    createElement('dd', null, `${m.chatToLead.leads}/${m.chatToLead.conversations}`),
  );
}
