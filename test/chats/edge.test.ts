import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../src/chats/', import.meta.url));
// The file inbox is its own entry (kommo-sdk/chats/file-inbox) because it needs node:fs.
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'file-inbox.ts');

describe('kommo-sdk/chats stays Web-only', () => {
  it.each(files)('%s imports no node: module and no ky', (file) => {
    const source = readFileSync(`${dir}${file}`, 'utf8');
    const imports = [...source.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map(
      (m) => m[1] ?? '',
    );
    expect(imports.filter((s) => s.startsWith('node:') || s === 'ky')).toEqual([]);
    expect(imports.filter((s) => s.includes('file-inbox'))).toEqual([]);
  });
});
