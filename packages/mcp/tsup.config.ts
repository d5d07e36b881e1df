import { defineConfig } from 'tsup';

// ESM only, for Node 20+: the bin and the embedding API. Dependencies (kommo-sdk, kommo-cli,
// @modelcontextprotocol/sdk) stay external: npm installs them beside the package.
export default defineConfig({
  entry: { bin: 'src/bin.ts', index: 'src/index.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: false,
  clean: true,
  target: 'node20',
  splitting: true,
  removeNodeProtocol: false,
  tsconfig: 'tsconfig.build.json',
});
