import { expect } from 'vitest';
import {
  createWebhookHandler,
  type WebhookErrorContext,
  type WebhookHandlerOptions,
} from '../../src/index.js';

/** The URL secret of the webhook handler tests. */
export const SECRET = 'hook-secret-123';
/** A destination URL that carries {@link SECRET}. */
export const URL_OK = `https://example.com/api/kommo?secret=${SECRET}`;
/** The content type Kommo sends. */
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A webhook POST of `body` to `url`. */
export function post(body: string, url = URL_OK): Request {
  return new Request(url, { method: 'POST', headers: FORM, body });
}

/** A handler verifying {@link SECRET}, with every error it reports and its phase. */
export function handlerWith(options: Partial<WebhookHandlerOptions>) {
  const errors: Array<[unknown, WebhookErrorContext['phase']]> = [];
  const handler = createWebhookHandler({
    verify: { secret: SECRET },
    onError: (error, context) => {
      errors.push([error, context.phase]);
    },
    ...options,
  });
  return { handler, errors };
}

/** Fails with the fuzz check's own description when it found something. */
export function expectNoFailure(failure: { detail: string } | undefined): void {
  expect(failure, failure?.detail).toBeUndefined();
}
