import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  PermissionDeniedError,
  isRecord,
  toKommoError,
} from '../../src/core/errors.js';

const TOKEN = { method: 'POST', url: 'https://acme.kommo.com/oauth2/access_token' } as const;

describe('toKommoError', () => {
  it.each([
    [400, BadRequestError, 'bad_request'],
    [401, AuthenticationError, 'unauthorized'],
    [403, PermissionDeniedError, 'permission_denied'],
  ] as const)('maps %i to %s', (status, type, code) => {
    const error = toKommoError({ ...TOKEN, path: '/oauth2/access_token', status, body: {} });
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
  });

  it.each([400, 401, 403])(
    'maps a refused refresh (%i) the SDK gave up on to AuthenticationError reauthorization_required, with its message and the refusal',
    (status) => {
      const cause = new Error('refused');
      const error = toKommoError({
        ...TOKEN,
        path: '/oauth2/access_token',
        status,
        body: { hint: 'Token has been revoked', title: 'Unauthorized', status },
        cause,
        reauthorization: 'Reauthorization required for acme.kommo.com: revoked.',
      });
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({
        code: 'reauthorization_required',
        status,
        hint: 'Token has been revoked',
        title: 'Unauthorized',
        message: 'Reauthorization required for acme.kommo.com: revoked.',
        cause,
      });
    },
  );
});

describe('isRecord', () => {
  it('accepts plain and null-prototype objects, and nothing else', () => {
    expect([{}, Object.create(null), { a: 1 }].map(isRecord)).toEqual([true, true, true]);
    expect([null, undefined, [], 'x', 1, () => 1].map(isRecord)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
