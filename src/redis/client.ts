/**
 * The few things this package needs from a Redis client: running a Lua script. Structural
 * types, so neither ioredis nor node-redis is imported (both stay optional).
 *
 * @module
 */

import { createHash } from 'node:crypto';
import { ConfigurationError } from '../core/errors.js';

/**
 * The part of an [ioredis](https://github.com/redis/ioredis) client (`Redis` or `Cluster`)
 * this package uses. Any `new Redis(url)` fits.
 */
export interface IORedisLike {
  /** `EVAL script numkeys key… arg…` */
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  /** `EVALSHA sha numkeys key… arg…` */
  evalsha(sha: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/**
 * The part of a [node-redis](https://github.com/redis/node-redis) v4/v5 client this package
 * uses. Any connected `createClient()` fits.
 */
export interface NodeRedisLike {
  /** `EVAL` in node-redis's shape. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** `EVALSHA` in node-redis's shape. */
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** A Redis client: ioredis or node-redis. Connect it yourself; this package never closes it. */
export type RedisClientLike = IORedisLike | NodeRedisLike;

/** A Lua script with its SHA1, so it is sent in full only once per Redis server. @internal */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/** @internal */
export function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Runs scripts on either client, loading them on first use (`NOSCRIPT`). @internal */
export interface ScriptRunner {
  run(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
}

function isNodeRedis(client: RedisClientLike): client is NodeRedisLike {
  return typeof (client as Partial<NodeRedisLike>).evalSha === 'function';
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes('NOSCRIPT');
}

/** @internal */
export function scriptRunner(client: RedisClientLike, commandTimeoutMs: number): ScriptRunner {
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof (client as { eval?: unknown }).eval !== 'function'
  ) {
    throw new ConfigurationError(
      'Expected a connected Redis client (ioredis or node-redis) with eval/evalsha',
    );
  }
  const call = isNodeRedis(client)
    ? (script: LuaScript, keys: string[], args: string[], full: boolean) =>
        full
          ? client.eval(script.source, { keys, arguments: args })
          : client.evalSha(script.sha, { keys, arguments: args })
    : (script: LuaScript, keys: string[], args: string[], full: boolean) =>
        full
          ? client.eval(script.source, keys.length, ...keys, ...args)
          : client.evalsha(script.sha, keys.length, ...keys, ...args);
  const run = async (script: LuaScript, keys: string[], args: string[]): Promise<unknown> => {
    try {
      return await call(script, keys, args, false);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return await call(script, keys, args, true);
    }
  };
  return {
    run: (script, keys, args) => withTimeout(run(script, keys, args), commandTimeoutMs),
  };
}

/** Raised when Redis does not answer within `commandTimeoutMs`. @internal */
class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

// A client that is reconnecting queues commands (ioredis' offline queue) and may hold them for
// many seconds; callers need a prompt, typed failure instead.
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new RedisTimeoutError(ms));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** A copy of a Redis client error without anything but name, message and errno code. @internal */
export function redisCause(error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(source.message);
  copy.name = source.name;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') (copy as Error & { code?: string }).code = code;
  return copy;
}

/** Key layout: one hash tag per account, so every key of an account lands on one cluster slot. @internal */
export function accountKey(prefix: string, account: string, suffix: string): string {
  return `${prefix}{${account}}:${suffix}`;
}

/** @internal */
export function positiveNumber(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(
      `\`${name}\` must be a positive number, got ${JSON.stringify(value) ?? typeof value}`,
    );
  }
  return value;
}
