import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../src/webhooks/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('kommo-sdk/webhooks stays edge-safe', () => {
  it.each(files)('%s imports only Web-API code: no node:, ky, zod or the HTTP core', (file) => {
    const source = readFileSync(`${dir}${file}`, 'utf8');
    const imports = [...source.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map(
      (m) => m[1],
    );
    const foreign = imports.filter(
      (s) => s !== '../core/errors.js' && s !== '../core/crypto.js' && !s?.startsWith('./'),
    );
    expect(foreign).toEqual([]);
  });
});
