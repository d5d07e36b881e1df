/**
 * Fault injection for reliability tests: latency, error answers, 429 bursts, connections reset
 * before or after a write, and slow bodies, per route and method, drawn from a seeded PRNG.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { internalError, nginxPage, tooManyRequests, type Reply } from '../problems.js';
import { mulberry32 } from '../prng.js';
import type { Exchange, Runtime, Step } from './exchange.js';

/**
 * Faults to inject, for reliability tests. A rule applies to the requests its `routes` and
 * `methods` match; with several rules, the first matching rule applies. Shares (`errorRate`,
 * `resetBeforeWrite`, `resetAfterWrite`) are drawn from a seeded PRNG, so a run is
 * repeatable; `1` means every matching request.
 */
export interface SandboxFaults {
  /** Path prefixes (`/api/v4/leads`) or patterns the rule applies to. @defaultValue every `/api/` route */
  routes?: ReadonlyArray<string | RegExp>;
  /** Methods the rule applies to. @defaultValue all */
  methods?: readonly string[];
  /** Added to every answer (ms), like Kommo's 100–500 ms round trips. @defaultValue 0 */
  latencyMs?: number;
  /**
   * Up to this much more per answer (ms), drawn per request from the rule's PRNG: Kommo's
   * server time varies from request to request. @defaultValue 0
   */
  latencySpreadMs?: number;
  /** Share (0–1) of requests answered with `errorStatus` instead of being processed. @defaultValue 0 */
  errorRate?: number;
  /** The error status: 500 answers Kommo's JSON, 502/503/504 nginx's HTML. @defaultValue 500 */
  errorStatus?: 500 | 502 | 503 | 504;
  /** The next N matching requests get a 429 (a burst), then the rule stops sending them. @defaultValue 0 */
  burst429?: number;
  /** Share (0–1) of writes (POST/PATCH/DELETE) whose connection is reset before they are applied. @defaultValue 0 */
  resetBeforeWrite?: number;
  /** Share (0–1) of writes whose connection is reset after they are applied (the client cannot know). @defaultValue 0 */
  resetAfterWrite?: number;
  /** Trickle the answer body over this many ms. @defaultValue 0 */
  slowBodyMs?: number;
  /** Seed of the PRNG that draws the shares. @defaultValue 1 */
  seed?: number;
}

/** An active rule with its PRNG and what is left of its 429 burst. */
export interface FaultRule {
  rule: SandboxFaults;
  random: () => number;
  burstLeft: number;
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

function routeMatches(route: string | RegExp, path: string): boolean {
  if (typeof route !== 'string') return route.test(path);
  return (
    path === route ||
    path.startsWith(route.endsWith('/') ? route : `${route}/`) ||
    path.startsWith(`${route}?`)
  );
}

/** The active fault rules. */
export class Faults {
  #rules: FaultRule[] = [];

  /** Replaces the rules; `null` or `[]` removes them. */
  set(faults: SandboxFaults | readonly SandboxFaults[] | null): void {
    const list: readonly SandboxFaults[] =
      faults === null
        ? []
        : Array.isArray(faults)
          ? (faults as readonly SandboxFaults[])
          : [faults as SandboxFaults];
    this.#rules = list.map((rule) => ({
      rule,
      random: mulberry32(rule.seed ?? 1),
      burstLeft: rule.burst429 ?? 0,
    }));
  }

  /**
   * The first rule that applies to a request.
   *
   * @param onSurface - The path belongs to a surface (`/api/`): where a rule without `routes` applies.
   */
  ruleFor(method: string, path: string, onSurface: boolean): FaultRule | undefined {
    return this.#rules.find(({ rule: { routes, methods } }) => {
      if (methods && !methods.some((m) => m.toUpperCase() === method)) return false;
      return routes ? routes.some((r) => routeMatches(r, path)) : onSurface;
    });
  }
}

/** Draws a share: true for about `share` of the calls. */
function draw(fault: FaultRule, share: number | undefined): boolean {
  return (share ?? 0) > 0 && fault.random() < (share ?? 0);
}

/** A 429 burst, an error answer, or a reset before a write, instead of serving the request. */
export const injectFaults: Step = (x, rt) => {
  const fault = x.fault;
  if (!fault) return undefined;
  const stats = rt.log.stats;
  if (fault.burstLeft > 0) {
    fault.burstLeft--;
    stats.faultsInjected++;
    stats.status429++;
    return tooManyRequests(rt.limiter.retryAfterSec);
  }
  if (draw(fault, fault.rule.errorRate)) {
    stats.faultsInjected++;
    const status = fault.rule.errorStatus ?? 500;
    return status === 500 ? internalError(randomBytes(16).toString('hex')) : nginxPage(status);
  }
  if (WRITE_METHODS.has(x.method) && draw(fault, fault.rule.resetBeforeWrite)) {
    stats.faultsInjected++;
    return 'reset';
  }
  return undefined;
};

/** Whether the connection of a successful write is reset after it was applied. */
export function resetAfterWrite(x: Exchange, reply: Reply, rt: Runtime): boolean {
  const fault = x.fault;
  if (!fault || !WRITE_METHODS.has(x.method) || reply.status >= 300) return false;
  if (!draw(fault, fault.rule.resetAfterWrite)) return false;
  rt.log.stats.faultsInjected++;
  return true;
}
