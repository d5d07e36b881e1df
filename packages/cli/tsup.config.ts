import { defineConfig } from 'tsup';

// ESM only: a command and its account module, for Node 20+. Dependencies (kommo-sdk,
// commander…) stay external: npm installs them beside the package.
export default defineConfig({
  entry: { bin: 'src/bin.ts', account: 'src/account.ts' },
  format: ['esm'],
  dts: { entry: { account: 'src/account.ts' } },
  sourcemap: false,
  clean: true,
  target: 'node20',
  splitting: true,
  removeNodeProtocol: false,
  tsconfig: 'tsconfig.build.json',
});
