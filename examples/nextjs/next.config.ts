import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const root = fileURLToPath(new URL('.', import.meta.url));

const config: NextConfig = {
  // This folder is the app's root, not the SDK repository around it (which has its own lockfile).
  turbopack: { root },
  outputFileTracingRoot: root,
  // The SDK is loaded by Node at run time rather than bundled into every route: one module
  // instance per server process (one client, one pacing budget), and the sandbox's node:http
  // stays out of the bundler.
  serverExternalPackages: ['kommo-sdk'],
  images: { unoptimized: true },
  poweredByHeader: false,
};

export default config;
