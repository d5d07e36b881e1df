import { afterEach, describe, expect, it } from 'vitest';
import { combineHooks, createMetrics, type RequestEvent } from '../../src/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sandboxClient } from './support.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('createMetrics', () => {
  it('counts the same requests and statuses as the sandbox, retries and final errors included', async () => {
    const metrics = createMetrics();
    let kommo;
    ({ sandbox, kommo } = await sandboxClient({}, metrics.hooks));
    sandbox.setFaults({ routes: ['/api/v4/leads'], methods: ['GET'], burst429: 2 });
    await kommo.leads.list().toArray({ max: 5 });
    sandbox.setFaults({ routes: ['/api/v4/users'], errorRate: 1, errorStatus: 500 });
    await expect(kommo.users.list().toArray({ max: 1 })).rejects.toThrow();
    const snap = metrics.snapshot();
    expect(snap.requests).toBe(sandbox.stats.requests);
    expect(snap.requestsByStatus).toEqual(sandbox.stats.byStatus);
    expect(snap.retries).toBe(2 + 3);
    expect(snap.syncErrors).toBe(1);
    expect(snap.syncErrorsByCode).toEqual({ server_error: 1 });
    expect(snap.requestTimeMs.count).toBe(sandbox.stats.requests);
  });

  it('computes nearest-rank percentiles over the recent window', () => {
    const metrics = createMetrics({ windowSize: 100 });
    const event = (durationMs: number): RequestEvent => ({
      method: 'GET',
      path: '/api/v4/leads',
      attempt: 1,
      status: 200,
      durationMs,
    });
    for (let ms = 1; ms <= 200; ms++) metrics.hooks.onResponse?.(event(ms));
    // Only the latest 100 (101–200) are in the window.
    expect(metrics.snapshot().requestTimeMs).toEqual({
      count: 200,
      p50: 150,
      p90: 190,
      p95: 195,
      p99: 199,
      max: 200,
    });
  });

  it('counts leads and conversations reported by code, and resets to zero', () => {
    const metrics = createMetrics();
    metrics.recordLeadsCreated(10);
    metrics.recordConversation({ leadCreated: true });
    metrics.recordConversation({ leadCreated: false });
    expect(metrics.snapshot()).toMatchObject({
      leadsCreated: 11,
      chatToLead: { conversations: 2, leads: 1, conversionRate: 0.5 },
    });
    metrics.reset();
    expect(metrics.snapshot()).toMatchObject({
      requests: 0,
      leadsCreated: 0,
      chatToLead: { conversations: 0, leads: 0, conversionRate: 0 },
      requestTimeMs: { count: 0, p50: 0 },
    });
  });

  it('gives a plain object that survives JSON', () => {
    const metrics = createMetrics();
    metrics.hooks.onResponse?.({
      method: 'GET',
      path: '/x',
      attempt: 1,
      status: 204,
      durationMs: 3,
    });
    const snap = metrics.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});

describe('combineHooks', () => {
  it('calls every hook set in order', () => {
    const calls: string[] = [];
    const hooks = combineHooks({ onRetry: () => calls.push('a') }, undefined, {
      onRetry: () => calls.push('b'),
      onError: () => calls.push('c'),
    });
    const e: RequestEvent = { method: 'GET', path: '/x', attempt: 1 };
    hooks.onRetry?.(e);
    hooks.onError?.(e);
    expect(calls).toEqual(['a', 'b', 'c']);
  });
});
