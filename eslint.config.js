// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

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
      // The Next.js example is its own project (its own package.json, tsconfig and checks).
      'examples/nextjs/**',
      'artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
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
  {
    files: ['src/**/*.ts'],
    ignores: ['src/core/http.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'ky', message: 'ky stays inside src/core/http.ts.' }] },
      ],
    },
  },
  {
    files: ['src/resources/**/*.ts'],
    // The barrel is the one file that gathers every resource.
    ignores: ['src/resources/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'ky', message: 'ky stays inside src/core/http.ts.' }],
          patterns: [
            {
              // resource.ts (the route specs) and bases.ts (the shared bases) are the layer's
              // own plumbing, not families.
              group: ['./*', '!./resource.js', '!./bases.js'],
              message: 'Resources never import each other; go through src/core.',
            },
            {
              group: ['../helpers/*', '../helpers'],
              message: 'Resources never import helpers: helpers are built on the public resources.',
            },
            {
              group: ['../sandbox/*', '../sandbox', '../redis/*', '../redis'],
              message: 'The main entry never loads sandbox or redis code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Schema modules build zod schemas when evaluated; the main entry must not evaluate them
    // on import. Outside src/schemas only their types are imported statically: a resource
    // loads its family's module with `import()` in its route spec (see src/resources/resource.ts).
    files: ['src/**/*.ts'],
    ignores: ['src/schemas/**', 'src/sandbox/**'],
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
