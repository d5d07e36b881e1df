/**
 * Hooks from the sandbox's amojo to a channel: a JSON body signed with the channel secret
 * (`X-Signature` = hex HMAC-SHA1 of the body), POSTed once to the channel's webhook URL with a
 * 5 s timeout and never retried, as Kommo does.
 *
 * @module
 */

import { createHmac } from 'node:crypto';
import type { SandboxChatChannel } from './model.js';

/** One hook the sandbox sent to a channel. */
export interface SandboxChatHookDelivery {
  /** `message` or `typing`. */
  kind: 'message' | 'typing';
  scopeId: string;
  /** The URL it went to (`:scope_id` replaced). */
  url: string;
  /** The JSON body, exactly as signed and sent. */
  body: string;
  headers: Record<string, string>;
  /** `pending` until the answer; `delivered` for a 2xx; `failed` otherwise (never retried). */
  status: 'pending' | 'delivered' | 'failed';
  /** The receiver's HTTP status; `0` for a network error or a timeout. */
  responseStatus: number;
  error?: string;
  /** Epoch ms when it was sent. */
  at: number;
  durationMs: number;
}

/** Sends hooks and keeps their log. */
export class HookSender {
  readonly deliveries: SandboxChatHookDelivery[] = [];
  readonly #pending = new Set<Promise<void>>();
  readonly #abort = new AbortController();

  /** Signs and sends one hook; resolves with its record once the receiver answered (or not). */
  send(
    channel: SandboxChatChannel,
    scopeId: string,
    kind: SandboxChatHookDelivery['kind'],
    payload: unknown,
  ): Promise<SandboxChatHookDelivery> {
    const body = JSON.stringify(payload);
    const delivery: SandboxChatHookDelivery = {
      kind,
      scopeId,
      url: channel.webhookUrl.replace(':scope_id', encodeURIComponent(scopeId)),
      body,
      headers: {
        'content-type': 'application/json',
        'x-signature': createHmac('sha1', channel.secret).update(body).digest('hex'),
        'user-agent': 'amoJo-Sandbox/1.0',
      },
      status: 'pending',
      responseStatus: 0,
      at: Date.now(),
      durationMs: 0,
    };
    this.deliveries.push(delivery);
    const run = this.#deliver(delivery, channel.timeoutMs);
    const tracked = run.finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
    return run.then(() => delivery);
  }

  async #deliver(delivery: SandboxChatHookDelivery, timeoutMs: number): Promise<void> {
    const started = performance.now();
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(timeoutMs)]),
      });
      delivery.responseStatus = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      delivery.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    delivery.durationMs = performance.now() - started;
    delivery.status =
      delivery.responseStatus >= 200 && delivery.responseStatus < 300 ? 'delivered' : 'failed';
  }

  /** Resolves when every hook sent so far has its answer. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Aborts hooks in flight. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.flush();
  }

  clear(): void {
    this.deliveries.length = 0;
  }
}
