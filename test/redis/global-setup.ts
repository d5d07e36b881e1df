import type { TestProject } from 'vitest/node';
import { startRedisServer } from './support/redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the redis-server started for this run. */
    redisUrl: string;
  }
}

/**
 * Starts a throw-away redis-server (persistence off) on a free loopback port for the run and
 * stops it afterwards. Fails with the install command when redis-server is missing.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedisServer();
  project.provide('redisUrl', redis.url);
  return redis.stop;
}
