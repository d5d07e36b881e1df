import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, Kommo, normalizeDomain } from '../../src/index.js';

describe('normalizeDomain', () => {
  it.each([
    ['acme', 'acme.kommo.com'],
    ['acme.kommo.com', 'acme.kommo.com'],
    ['acme.amocrm.ru', 'acme.amocrm.ru'],
    ['acme.amocrm.com', 'acme.amocrm.com'],
    ['https://acme.kommo.com', 'acme.kommo.com'],
    ['https://acme.kommo.com/', 'acme.kommo.com'],
    ['HTTPS://ACME.Kommo.COM', 'acme.kommo.com'],
    ['  acme-sales2.amocrm.ru\n', 'acme-sales2.amocrm.ru'],
    ['ACME', 'acme.kommo.com'],
  ])('accepts %j as %s', (input, host) => {
    expect(normalizeDomain(input)).toBe(host);
  });

  it.each([
    '',
    '   ',
    'evil.com',
    'acme.kommo.com.evil.io',
    'acme.kommo.com/api/v4',
    'https://acme.kommo.com/path',
    'http://acme.kommo.com',
    'ftp://acme.kommo.com',
    'acme.kommo.com:8443',
    'user:pass@acme.kommo.com',
    'acme.kommo.com?x=1',
    'acme.kommo.com#x',
    'a.b.kommo.com',
    'www.kommo.com',
    'www',
    'kommo.com',
    '-acme.kommo.com',
    'acme_.kommo.com',
    'evilkommo.com',
    'acme.kommo.co',
    'acme .kommo.com',
    'acme%2ekommo.com',
    'acme.kommo.com\\@evil.io',
    '127.0.0.1',
    'x'.repeat(64),
  ])('refuses %j with a ConfigurationError', (input) => {
    expect(() => normalizeDomain(input)).toThrow(ConfigurationError);
  });

  it.each([undefined, null, 42, {}, ['acme']])('refuses the non-string %j', (input) => {
    expect(() => normalizeDomain(input)).toThrow(ConfigurationError);
  });
});

describe('new Kommo({ domain })', () => {
  it('sends requests to the normalized account host', async () => {
    const scope = nock('https://acme.amocrm.ru').get('/api/v4/account').reply(200, { id: 1 });
    const kommo = new Kommo({
      domain: 'HTTPS://Acme.AmoCRM.ru/',
      accessToken: 't0k3n-abcdefgh',
      rateLimit: false,
    });
    expect(kommo.domain).toBe('acme.amocrm.ru');
    await kommo.request({ method: 'GET', path: '/api/v4/account' });
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a hostile domain before any request', () => {
    expect(() => new Kommo({ domain: 'acme.kommo.com.evil.io', accessToken: 'x' })).toThrow(
      ConfigurationError,
    );
    expect(() => new Kommo({ domain: 'acme.kommo.com.evil.io', accessToken: 'x' })).toThrow(
      /not a Kommo account host/,
    );
  });

  it('requires a domain or a baseUrl', () => {
    expect(() => new Kommo({ accessToken: 'x' })).toThrow(/domain/);
  });

  it('accepts an explicit https baseUrl and plain http only on loopback', () => {
    expect(
      new Kommo({ baseUrl: 'https://proxy.example.com/kommo/', accessToken: 'x' }).baseUrl,
    ).toBe('https://proxy.example.com/kommo');
    expect(new Kommo({ baseUrl: 'http://127.0.0.1:4010', accessToken: 'x' }).domain).toBe(
      '127.0.0.1:4010',
    );
    expect(() => new Kommo({ baseUrl: 'http://proxy.example.com', accessToken: 'x' })).toThrow(
      ConfigurationError,
    );
    expect(() => new Kommo({ baseUrl: 'https://u:p@proxy.example.com', accessToken: 'x' })).toThrow(
      ConfigurationError,
    );
    expect(() => new Kommo({ baseUrl: 'not a url', accessToken: 'x' })).toThrow(ConfigurationError);
  });

  it('refuses unknown options, both auth modes, no auth and bad numbers', () => {
    expect(() => new Kommo({ domain: 'acme', accessToken: 'x', timeout: 5 } as never)).toThrow(
      /Unknown option `timeout`/,
    );
    expect(
      () =>
        new Kommo({
          domain: 'acme',
          accessToken: 'x',
          oauth: { clientId: 'a', clientSecret: 'b', redirectUri: 'c' },
        }),
    ).toThrow(/either/);
    expect(() => new Kommo({ domain: 'acme' })).toThrow(ConfigurationError);
    expect(() => new Kommo({ domain: 'acme', accessToken: '' })).toThrow(ConfigurationError);
    expect(() => new Kommo({ domain: 'acme', accessToken: 'x', maxRetries: -1 })).toThrow(
      /maxRetries/,
    );
    expect(
      () => new Kommo({ domain: 'acme', accessToken: 'x', rateLimit: { requestsPerSecond: 0 } }),
    ).toThrow(/requestsPerSecond/);
    expect(
      () =>
        new Kommo({
          domain: 'acme',
          oauth: { clientId: 'a', clientSecret: 'b', redirectUri: 'c' },
        }),
    ).toThrow(/tokenStore/);
    expect(
      () => new Kommo({ domain: 'acme', accessToken: 'x', headers: { Authorization: 'Bearer y' } }),
    ).toThrow(/authorization/);
  });
});
