/**
 * Kommo's error answers: problem JSON (`application/problem+json`), the validation-error
 * shape keyed by `request_id`, the OAuth errors with `hint`, and the HTML pages nginx answers.
 *
 * @module
 */

import { HTTP_STATUS_TITLES } from '../facts.js';

/** One entry of `validation-errors[].errors`. */
export interface ValidationIssue {
  code: string;
  path: string;
  detail: string;
}

/** One entry of `validation-errors`: the issues of one submitted item. */
export interface ItemValidationErrors {
  request_id: string;
  errors: ValidationIssue[];
}

/** An answer the router sends as it is: status, body and extra headers. */
export interface Reply {
  status: number;
  /** JSON value; a string is sent as HTML/text, bytes as they are; `undefined` sends an empty body. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Counts toward the body-items figure of the request log. */
  contentType?: string;
}

/** Thrown by handlers to answer with an error. */
export class HttpProblem extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${String(reply.status)}`);
  }
}

const TITLES = HTTP_STATUS_TITLES;

/** A problem-JSON reply like Kommo's: `{title, type, status, detail}`. */
export function problem(
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
): Reply {
  return {
    status,
    contentType: 'application/problem+json',
    body: {
      title: TITLES[status] ?? 'Error',
      type: `https://httpstatus.es/${String(status)}`,
      status,
      detail,
      ...extra,
    },
  };
}

/** Throws a problem-JSON reply. */
export function fail(status: number, detail: string, extra?: Record<string, unknown>): never {
  throw new HttpProblem(problem(status, detail, extra));
}

/** The 400 answer to a batch with invalid items (Kommo rejects the whole batch). */
export function validationFailed(items: ItemValidationErrors[]): Reply {
  return {
    status: 400,
    contentType: 'application/problem+json',
    body: {
      'validation-errors': items,
      title: 'Bad Request',
      type: 'https://httpstatus.es/400',
      status: 400,
      detail: 'Request validation failed',
    },
  };
}

/** The 401 answer to a missing, expired or revoked token (Kommo sends the same text for all). */
export function unauthorized(): Reply {
  return problem(401, 'Invalid user name or password');
}

/** Kommo's 429 body; `retry_after` is in seconds. */
export function tooManyRequests(retryAfterSec: number): Reply {
  return problem(
    429,
    'You have sent too many requests in a given amount of time. Please try again later.',
    { retry_after: retryAfterSec },
  );
}

/** Kommo's 500 body (`ErrInternalServer` with a `trace_id`, no `type`). */
export function internalError(traceId: string): Reply {
  return {
    status: 500,
    contentType: 'application/problem+json',
    body: {
      title: 'ErrInternalServer',
      status: 500,
      detail: 'Our team are probably already working on the elimination of the problem',
      trace_id: traceId,
    },
  };
}

/** The bare nginx page Kommo answers with for blocked accounts and gateway errors. */
export function nginxPage(status: number): Reply {
  const line = `${String(status)} ${TITLES[status] ?? 'Error'}`;
  return {
    status,
    contentType: 'text/html',
    body: `<html>\n<head><title>${line}</title></head>\n<body>\n<center><h1>${line}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n`,
  };
}

/** An OAuth error with `hint`, as the token endpoint answers (Russian title/detail, as captured). */
export function oauthError(status: number, hint: string | undefined): Reply {
  return {
    status,
    contentType: 'application/problem+json',
    body: {
      ...(hint === undefined ? {} : { hint }),
      title: 'Некорректный запрос',
      type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
      status,
      detail: 'В запросе отсутствует ряд параметров или параметры невалидны',
    },
  };
}

/** The usual validation messages. */
export const ISSUE = {
  choice: (path: string): ValidationIssue => ({
    code: 'NotSupportedChoice',
    path,
    detail: 'The value you selected is not a valid choice.',
  }),
  type: (path: string, type: string): ValidationIssue => ({
    code: 'InvalidType',
    path,
    detail: `This value should be of type ${type}.`,
  }),
  unexpected: (path: string): ValidationIssue => ({
    code: 'FieldNotExpected',
    path,
    detail: 'This field was not expected.',
  }),
  missing: (path: string): ValidationIssue => ({
    code: 'FieldMissing',
    path,
    detail: 'This field is missing.',
  }),
  blank: (path: string): ValidationIssue => ({
    code: 'NotBlank',
    path,
    detail: 'This value should not be blank.',
  }),
  tooLong: (path: string, max: number): ValidationIssue => ({
    code: 'TooLong',
    path,
    detail: `This value is too long. It should have ${String(max)} characters or less.`,
  }),
};
