/**
 * When requests reach Kommo. Kommo counts *arrivals* per sliding second, while a client only
 * controls departures; this module bounds, for each request, the latest moment it can have
 * arrived, from what the client observes: when it left, whether it had to open a new
 * connection, when its answer came, and how long that kind of request usually takes.
 *
 * Both of the SDK's limiters (in process and on Redis) keep their log of starts in these
 * bounds, so a start is granted only when, even if every earlier request arrived as late as it
 * possibly could and this one arrives the moment it leaves, no second holds more than the
 * limit.
 *
 * Measured on the sandbox (issue 14): a warm connection delivers a request 2–11 ms after it
 * leaves the limiter, while the first 3–4 requests of a new connection pool arrive 38–77 ms
 * after (a new socket, code run for the first time, a 250-lead body); on a real network a new
 * connection adds a TCP and TLS handshake, one or two round trips. A fixed margin on
 * departures (the former 30 ms) cannot cover both without wasting throughput, hence bounds per
 * request.
 *
 * @module
 */

/**
 * A connection idle for longer may have been closed by the pool (undici keeps idle sockets
 * 4 s by default, less when the server says `Keep-Alive: timeout=5`), so the next request
 * over it is treated as one that opens a new connection.
 */
const IDLE_CONNECTION_MS = 2_500;
/**
 * Warm round trips of a kind needed before their fastest is trusted as the kind's floor: with
 * few samples the fastest may itself have arrived late, and a floor set too high would bound
 * a slow request too tightly.
 */
const FLOOR_SAMPLES = 8;
/**
 * Added to a round trip's excess over the floor. The floor sample's own server time, trip back
 * and the moment its answer was noticed vary too, so a request's excess round trip can
 * understate how late it arrived: by 11 ms in a case the simulated-link property found with a
 * 10 ms margin. 20 ms covers it at a cost of under 0.3 % of the limit.
 */
const ANSWER_MARGIN_MS = 20;
/** The arrival of a request on a new connection, before its answer: not bounded tighter. */
export const UNANSWERED_COLD_MS = 60_000;
/** The allowance grows by this after each 429 and shrinks back by this each second. */
const RAISE_PER_429_MS = 10;
const DECAY_PER_SECOND_MS = 10;
/** The allowance never grows beyond. */
const MAX_ALLOWANCE_MS = 150;
/** Round trips remembered per kind of request. */
const SAMPLES = 32;
/** Kinds of request remembered per account (oldest forgotten first). */
const MAX_KINDS = 64;

/** The default allowance, ms: how late a request on a warm connection may arrive. */
export const DEFAULT_ARRIVAL_ALLOWANCE_MS = 25;

/** One request, from the moment it left to its answer. */
export interface Trip {
  /** `GET /api/v4/leads` (ids folded to `:id`), for round-trip statistics per kind. */
  kind: string;
  /** When it was handed to fetch. */
  sentAt: number;
  /** Whether it probably had to open a new connection. */
  cold: boolean;
  /** When the runtime reported it written to its connection (see `core/wire.ts`). */
  writtenAt?: number;
  /** The latest arrival assumed when it was written, if it fits one flight of packets. */
  writtenBound?: number;
}

interface KindStats {
  /** Recent round trips of any connection, from departure to answer, newest last. */
  recent: number[];
  /**
   * Recent round trips over warm connections, from the write where it was reported (else from
   * departure): their minimum is the kind's floor.
   */
  warm: number[];
}

function push(ring: number[], value: number): void {
  ring.push(value);
  if (ring.length > SAMPLES) ring.shift();
}

/** The value `q` (0–1) of the way up the sorted values (nearest rank). */
function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) * q)];
}

/** The kind of a request for round-trip statistics: method and path, ids folded. */
export function tripKind(method: string, path: string): string {
  return `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
}

/**
 * What one process has learnt about one account's connection: its warm connections, the
 * round trips per kind of request, and the arrival allowance (raised by 429s).
 */
export class ArrivalModel {
  readonly #baseAllowance: number;
  #raised = 0;
  #raisedAt = 0;
  /** When each idle connection became idle, oldest first. */
  #idle: number[] = [];
  readonly #kinds = new Map<string, KindStats>();

  constructor(allowanceMs = DEFAULT_ARRIVAL_ALLOWANCE_MS) {
    this.#baseAllowance = allowanceMs;
  }

  /**
   * How late a request on a warm connection may arrive after leaving: the base allowance,
   * plus what recent 429s added (decaying by 10 ms a second).
   */
  allowance(now: number): number {
    const decayed = this.#raised - ((now - this.#raisedAt) / 1000) * DECAY_PER_SECOND_MS;
    return this.#baseAllowance + Math.max(0, decayed);
  }

  /** A 429 came: Kommo counted more than the bounds did, so widen them for a while. */
  raise(now: number): void {
    const current = this.allowance(now) - this.#baseAllowance;
    this.#raised = Math.min(MAX_ALLOWANCE_MS - this.#baseAllowance, current + RAISE_PER_429_MS);
    this.#raisedAt = now;
  }

  /**
   * A request leaves now. It takes an idle connection when the pool has one (as undici does),
   * else it opens a new one (`cold`). Returns the trip and the latest arrival to assume until
   * the answer comes.
   */
  depart(kind: string, now: number): { trip: Trip; latest: number } {
    while (this.#idle.length > 0 && (this.#idle[0] ?? 0) < now - IDLE_CONNECTION_MS)
      this.#idle.shift();
    const cold = this.#idle.pop() === undefined;
    const latest = cold ? now + UNANSWERED_COLD_MS : now + this.allowance(now);
    return { trip: { kind, sentAt: now, cold }, latest };
  }

  /**
   * The runtime reports the request written to its connection at `now`. Whatever delayed it on
   * the client (a new socket, a handshake, a busy event loop) is behind it, so its round trip
   * is measured from now. A request that fits one flight of packets (`oneFlight`) reaches Kommo
   * within the allowance of now, over a new connection too, however long its answer then takes
   * (the server's time and the trip back are not arrival). A larger one may need more round
   * trips to arrive (TCP's slow start), so its answer still bounds it. Returns the latest
   * arrival from now on, or `undefined` when it stays unknown until the answer.
   */
  written(trip: Trip, now: number, oneFlight: boolean): number | undefined {
    trip.writtenAt = now;
    if (oneFlight) return (trip.writtenBound = now + this.allowance(now));
    return trip.cold ? undefined : now + this.allowance(now);
  }

  /**
   * Its answer came at `now`: the request arrived before `now`; within the allowance of its
   * write if it fits one flight of packets; else, once the kind has a trusted floor (its
   * fastest of 8 or more warm round trips), at most its round trip's excess over that floor
   * (plus 20 ms) after it was written (or left, where writes are not reported), and never less
   * than the allowance. The excess holds whatever delayed the request on its way in (a
   * handshake, a slow start, a stalled event loop on either side); it also holds the server's
   * own time, which makes that bound conservative, and it is why a reported write is used when
   * there is one: a floor sample with a slower server understates the excess of a request that
   * was late on the client. Returns the latest arrival from now on.
   */
  answered(trip: Trip, now: number): number {
    let stats = this.#kinds.get(trip.kind);
    if (!stats) {
      if (this.#kinds.size >= MAX_KINDS) {
        const oldest = this.#kinds.keys().next().value;
        if (oldest !== undefined) this.#kinds.delete(oldest);
      }
      stats = { recent: [], warm: [] };
      this.#kinds.set(trip.kind, stats);
    }
    const from = trip.writtenAt ?? trip.sentAt;
    push(stats.recent, now - trip.sentAt);
    if (!trip.cold) push(stats.warm, now - from);
    if (trip.writtenAt !== undefined && trip.writtenBound !== undefined)
      return Math.min(now, Math.max(trip.writtenBound, trip.writtenAt + this.allowance(now)));
    if (stats.warm.length < FLOOR_SAMPLES) return now;
    const floor = Math.min(...stats.warm);
    const excess = Math.max(this.allowance(now), now - from - floor + ANSWER_MARGIN_MS);
    return Math.min(now, from + excess);
  }

  /** The attempt is over; a connection whose answer was read whole goes back to the pool. */
  released(now: number, reusable: boolean): void {
    if (reusable) this.#idle.push(now);
  }

  /**
   * A slow round trip of a kind of request (the 90th percentile of recent ones), if known:
   * work sized by it is not starved when the server's time spreads the answers (with round
   * trips of 300–500 ms, the median left a walk at 50 requests/s short of requests in flight).
   */
  roundTrip(kind: string): number | undefined {
    const own = quantile(this.#kinds.get(kind)?.recent ?? [], 0.9);
    if (own !== undefined) return own;
    return quantile(
      [...this.#kinds.values()].flatMap((s) => s.recent),
      0.9,
    );
  }
}

/** Hard cap of the work an SDK call keeps in flight (50 requests/s × 500 ms, with headroom). */
export const MAX_IN_FLIGHT = 32;

/**
 * The requests to keep in flight so that the limiter, not latency, sets the pace: the rate
 * times the round trip, with a fifth more and one spare, so a slow answer does not leave the
 * budget unused. Before any round trip is known: half the rate (as many as may start at once).
 */
export function inFlightFor(requestsPerSecond: number, roundTripMs: number | undefined): number {
  const wanted =
    roundTripMs === undefined
      ? Math.ceil(requestsPerSecond / 2)
      : Math.ceil((requestsPerSecond * roundTripMs * 1.2) / 1000) + 1;
  return Math.max(1, Math.min(MAX_IN_FLIGHT, wanted));
}
