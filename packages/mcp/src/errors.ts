/**
 * Tool errors: every failure of a tool call becomes one JSON object an agent can act on — a
 * stable `code` (the SDK's, or one of this server's), the message, the fields at fault and
 * Kommo's own validation details. Never a stack, never a token.
 *
 * @module
 */

import { BatchError, KommoApiError, RateLimitError, isKommoError } from 'kommo-sdk';
import type { z } from 'zod';

/** Codes this server adds to the SDK's `KommoErrorCode`s. */
export type ServerErrorCode =
  | 'invalid_arguments'
  | 'confirmation_required'
  | 'too_many_entities'
  | 'not_found'
  | 'ambiguous'
  | 'internal_error';

/** One argument at fault: its dot path (`contact.phone`, `ids.3`) and what is wrong. */
interface FieldIssue {
  field: string;
  message: string;
}

/** What a tool error says besides its code and message. */
export interface ToolErrorDetails {
  /** The arguments at fault, when the fault is in the arguments. */
  issues?: FieldIssue[];
  /** HTTP status of Kommo's answer. */
  status?: number;
  /** Kommo's `X-Request-Id` of the failed request: quote it to Kommo's support. */
  kommo_request_id?: string;
  /** Kommo's `validation-errors`: per submitted item, the fields it refused and why. */
  validation_errors?: Array<{
    request_id: string;
    index?: number;
    errors: Array<{ code: string; path: string; detail: string }>;
  }>;
  /** For writes: `not_applied` (safe to send again) or `unknown` (re-read before retrying). */
  write_outcome?: string;
  /** For `rate_limited`: the wait Kommo asked for. */
  retry_after_ms?: number;
  /** What the agent can do about it. */
  hint?: string;
  /** Anything else specific to the code (a bulk write's per-item results…). */
  [key: string]: unknown;
}

/** The `error` object of a failed tool call. */
export interface ToolErrorBody extends ToolErrorDetails {
  /** Stable: branch on it. The SDK's codes (`bad_request`, `rate_limited`, …) or this server's. */
  code: string;
  message: string;
}

/** An error a tool throws on purpose, with its code and details. */
export class ToolError extends Error {
  readonly code: string;
  readonly details: ToolErrorDetails;
  constructor(code: ServerErrorCode, message: string, details: ToolErrorDetails = {}) {
    super(message);
    this.name = 'ToolError';
    this.code = code;
    this.details = details;
  }
}

/** The path of a zod issue or an SDK `ValidationIssue`, as agents write it (`a.b.0`). */
function dotPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => (typeof p === 'symbol' ? p.toString() : String(p))).join('.');
}

/**
 * The issues of a failed argument parse, one per field; unknown keys are named one by one
 * (zod reports them together).
 */
function argumentIssues(error: z.ZodError): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ field: dotPath([...issue.path, key]), message: `Unknown argument "${key}"` });
      continue;
    }
    out.push({ field: dotPath(issue.path) || '(arguments)', message: issue.message });
  }
  return out;
}

/** The error of arguments that do not fit the tool's schema. */
export function invalidArguments(tool: string, error: z.ZodError): ToolError {
  const issues = argumentIssues(error);
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new ToolError('invalid_arguments', `Invalid arguments for ${tool}: ${summary}`, {
    issues,
    hint: 'Fix the named arguments and call again; nothing was sent to Kommo.',
  });
}

const BLOCKED_HINT =
  'Kommo is refusing this account or IP (usually after repeated rate-limit violations). Stop calling Kommo tools for several minutes; retrying now prolongs the block.';

/** Turns anything a tool threw into the `error` object of a tool result. */
export function toErrorBody(error: unknown): ToolErrorBody {
  if (error instanceof ToolError)
    return { code: error.code, message: error.message, ...error.details };
  if (!isKommoError(error)) {
    return {
      code: 'internal_error',
      message: error instanceof Error ? error.message : String(error),
    };
  }
  const body: ToolErrorBody = { code: error.code, message: error.message };
  if (error.writeOutcome !== undefined) body.write_outcome = error.writeOutcome;
  // RequestValidationError: the SDK refused the input before sending, with paths.
  const issues = (error as { issues?: unknown }).issues;
  if (error.code === 'invalid_request' && Array.isArray(issues)) {
    body.issues = (issues as Array<{ path: PropertyKey[]; message: string }>).map((i) => ({
      field: dotPath(i.path) || '(input)',
      message: i.message,
    }));
  }
  if (error instanceof KommoApiError) {
    body.status = error.status;
    if (error.requestId !== undefined) body.kommo_request_id = error.requestId;
    if (error.validationErrors.length > 0) {
      body.validation_errors = error.validationErrors.map((v) => ({
        request_id: v.requestId,
        ...(v.index !== undefined ? { index: v.index } : {}),
        errors: v.errors.map((e) => ({ code: e.code, path: e.path, detail: e.detail })),
      }));
    }
  }
  if (error instanceof RateLimitError && error.retryAfterMs !== undefined)
    body.retry_after_ms = error.retryAfterMs;
  if (error.code === 'account_blocked') body.hint = BLOCKED_HINT;
  if (error.code === 'rate_limited')
    body.hint = 'Kommo is rate limiting this account: wait before the next call.';
  if (error.code === 'unauthorized' || error.code === 'reauthorization_required')
    body.hint =
      'The token was refused: the server operator must renew it (kommo login, or a new long-lived token).';
  if (error instanceof BatchError) {
    body['results'] = error.results.map((r) => ({
      index: r.index,
      status: r.status,
      ...(r.ref !== undefined && typeof r.ref === 'object' && r.ref !== null && 'id' in r.ref
        ? { id: (r.ref as { id: unknown }).id }
        : {}),
      ...(r.errors && r.errors.length > 0 ? { errors: r.errors } : {}),
      ...(r.error ? { error: r.error.message } : {}),
    }));
  }
  return body;
}
