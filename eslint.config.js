// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * `no-restricted-imports` per part of src/ (see docs/architecture.md):
 * - only src/core/http.ts imports ky;
 * - nothing the main entry loads imports src/sandbox or src/redis;
 * - core imports no part above it; schemas none but core; resources neither helpers nor each
 *   other (only the base `resource.ts` and the import-free events table of src/webhooks);
 * - src/webhooks stays Web-only: from the core only `errors.ts` and `crypto.ts`, no zod, no node:;
 * - src/facts.ts and src/webhooks/events.ts import nothing.
 */
function importRules() {
  const ky = { name: 'ky', message: 'ky stays inside src/core/http.ts.' };
  const zod = { name: 'zod', message: 'kommo-sdk/webhooks stays Web-only: no zod.' };
  /** @type {(name: string, why: string) => { group: string[]; message: string }} */
  const part = (name, why) => ({ group: [`**/${name}/*`, `**/${name}.js`], message: why });
  const sandbox = part('sandbox', 'The main entry never loads the sandbox.');
  const redis = part('redis', 'The main entry never loads Redis code (kommo-sdk/redis).');
  /** @type {(name: string) => { group: string[]; message: string }} */
  const above = (name) => part(name, `The core is the bottom layer: it never imports ${name}/.`);
  /**
   * @type {(
   *   paths: Array<{ name: string; message: string }>,
   *   patterns: Array<{ group: string[]; message: string }>,
   * ) => import('eslint').Linter.RulesRecord}
   */
  const rule = (paths, patterns) => ({ 'no-restricted-imports': ['error', { paths, patterns }] });
  return [
    { files: ['src/**/*.ts'], ignores: ['src/core/http.ts'], rules: rule([ky], []) },
    {
      files: [
        'src/index.ts',
        'src/client.ts',
        'src/helpers/**/*.ts',
        'src/chats/**/*.ts',
        'src/salesbot/**/*.ts',
      ],
      rules: rule([ky], [sandbox, redis]),
    },
    {
      // The Drive engine, loaded on demand by resources/files.ts: core and schemas only.
      files: ['src/drive/**/*.ts'],
      rules: rule(
        [ky],
        [
          sandbox,
          redis,
          part('resources', 'The Drive engine is loaded by a resource; it never imports one.'),
          part('helpers', 'The Drive engine never imports helpers.'),
        ],
      ),
    },
    {
      files: ['src/core/**/*.ts'],
      ignores: ['src/core/http.ts'],
      rules: rule(
        [ky],
        [sandbox, redis, ...['resources', 'schemas', 'helpers', 'webhooks'].map(above)],
      ),
    },
    {
      files: ['src/core/http.ts'],
      rules: rule(
        [],
        [sandbox, redis, ...['resources', 'schemas', 'helpers', 'webhooks'].map(above)],
      ),
    },
    {
      files: ['src/schemas/**/*.ts'],
      rules: rule(
        [ky],
        [
          sandbox,
          redis,
          part('resources', 'Schemas describe data: they never import resources.'),
          part('helpers', 'Schemas never import helpers.'),
          part('webhooks', 'Schemas never import src/webhooks.'),
        ],
      ),
    },
    {
      files: ['src/resources/**/*.ts'],
      // The barrel is the one file that gathers every resource.
      ignores: ['src/resources/index.ts'],
      rules: rule(
        [ky],
        [
          sandbox,
          redis,
          {
            group: ['./*', '!./resource.js', '!./bases.js'],
            // resource.ts (the route specs) and bases.ts (shared bases) are the layer's plumbing.
            message: 'Resources never import each other; go through src/core.',
          },
          part('helpers', 'Resources never import helpers: helpers are built on resources.'),
          {
            group: ['**/webhooks/*', '!**/webhooks/events.js'],
            message: 'Resources import only the events table of src/webhooks.',
          },
        ],
      ),
    },
    {
      files: ['src/webhooks/**/*.ts'],
      rules: rule(
        [ky, zod],
        [
          { group: ['node:*'], message: 'kommo-sdk/webhooks stays Web-only: no node: imports.' },
          {
            group: ['../*', '!../core', '../core/*', '!../core/errors.js', '!../core/crypto.js'],
            message:
              'kommo-sdk/webhooks stays Web-only and small: from outside it, only core/errors.js and core/crypto.js.',
          },
        ],
      ),
    },
    {
      files: ['src/facts.ts', 'src/webhooks/events.ts'],
      rules: rule(
        [],
        [{ group: ['*', '**/*'], message: 'This module is import-free on purpose.' }],
      ),
    },
  ];
}

export default defineConfig(
  {
    // The package smoke scripts are plain JS run from a consumer folder against the packed tarball.
    ignores: [
      'dist/**',
      'coverage/**',
      'docs/api/**',
      'node_modules/**',
      '.tmp/**',
      'scripts/package-smoke/**',
      'scripts/runtime-smoke/**',
      'scripts/cli-smoke/**',
      'scripts/mcp-smoke/**',
      // The Next.js example is its own project (its own package.json, tsconfig and checks).
      'examples/nextjs/**',
      'artifacts/**',
      // The workspaces' builds and scratch folders (packages/cli/.tmp holds generated modules).
      'packages/*/dist/**',
      'packages/*/.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'packages/*/bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-invalid-void-type': 'off',
      '@typescript-eslint/unified-signatures': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  // The import rules of docs/architecture.md, one block per part. A later block replaces the
  // rule of an earlier one for its files, so each block lists every rule of its part.
  // test/architecture.test.ts checks the same rules on the bundled entries.
  ...importRules(),
  {
    // Schema modules build zod schemas when evaluated; the main entry must not evaluate them
    // on import. Outside src/schemas only their types are imported statically: a resource
    // loads its family's module with `import()` in its route spec (see src/resources/resource.ts).
    // The Drive engine and the salesbot requests are themselves loaded with `import()` (by
    // resources/files.ts and resources/salesbot.ts), so their static schema imports load late too.
    files: ['src/**/*.ts'],
    ignores: [
      'src/schemas/**',
      'src/sandbox/**',
      'src/drive/engine.ts',
      'src/salesbot/requests.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/schemas/*', '!**/schemas/index.js'],
              allowTypeImports: true,
              message:
                'Import schema modules with `import()` (route specs) or `import type`: a static import builds their schemas when the SDK is imported.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/schemas/index.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./*'],
              allowTypeImports: true,
              message:
                'The barrel exports only types of schema modules; values come from ../values.js or ../facts.js.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'test/**/*.ts',
      'examples/**/*.ts',
      'examples/**/*.tsx',
      'scripts/**/*.ts',
      'bench/**/*.ts',
      'packages/*/test/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
);
