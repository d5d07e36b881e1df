import { describe, expect, it } from 'vitest';
import { useSandbox } from '../../support/sandbox.js';

const { client } = useSandbox();

describe('currencies in the sandbox, through the SDK', () => {
  it('lists ISO codes page by page', async () => {
    const kommo = client();
    const all = await kommo.currencies.list({ limit: 5 }).toArray({ max: 100 });
    expect(all.length).toBeGreaterThan(5);
    for (const c of all) expect(c.code).toMatch(/^[A-Z]{3}$/);
    expect(all.map((c) => c.code)).toContain('USD');
  });
});
