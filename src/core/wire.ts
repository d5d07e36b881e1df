/**
 * When a request was written to its socket, where the runtime says so: Node's fetch (undici)
 * publishes `undici:request:create` when it dispatches a request and `undici:request:bodySent`
 * once the request, body included, is written to the connection. The limiters use that moment
 * instead of inferring it from the round trip, which also holds the server's time and the trip
 * back (see `core/arrival.ts`).
 *
 * Nothing is imported: the channels are looked up through `process.getBuiltinModule` (Node
 * 20.16+, 22.3+), so the SDK stays one bundle for Node, browsers and edge runtimes, where this
 * reports nothing and the limiters keep their round-trip bounds.
 *
 * A request small enough to travel in one flight of packets (see {@link fitsOneFlight})
 * arrives within moments of its write; a larger body may take more round trips after it (TCP's
 * slow start on a new or idle connection), so for it the write only takes the client's own
 * delays out of its round trip.
 *
 * A dispatched request is matched to the SDK's call by its method and URL, first come first
 * served: Node's fetch dispatches requests of one shape in the order it was called. So only
 * Node's own fetch is watched: a `fetch` option of the user's own, or a global fetch another
 * library replaced (Next.js, an interceptor), may await before dispatching and reorder them.
 *
 * @module
 */

interface Watch {
  onWritten: () => void;
}

interface UndiciRequest {
  origin?: unknown;
  method?: unknown;
  path?: unknown;
}

interface Channels {
  subscribe(name: string, listener: (message: unknown) => void): void;
}

interface WireState {
  /** Whether the channels are subscribed (`undefined`: not tried yet). */
  on?: boolean;
  /** Calls waiting for their request's dispatch, per `METHOD url`, oldest first. */
  readonly waiting: Map<string, Watch[]>;
  /** Dispatched requests of the SDK's calls, until they are written. */
  readonly dispatched: WeakMap<object, Watch>;
}

/**
 * On `globalThis`, like the limiters: every copy of the SDK in the process (its ESM and
 * CommonJS builds) shares one queue, so a copy never takes another's request for its own.
 */
const REGISTRY = Symbol.for('kommo-sdk.wire.v1');

function registry(): WireState {
  return ((globalThis as { [REGISTRY]?: WireState })[REGISTRY] ??= {
    waiting: new Map(),
    dispatched: new WeakMap(),
  });
}

function requestOf(message: unknown): UndiciRequest | undefined {
  const request = (message as { request?: unknown } | null | undefined)?.request;
  return typeof request === 'object' && request !== null ? request : undefined;
}

function onCreate(message: unknown): void {
  const request = requestOf(message);
  if (!request || typeof request.origin !== 'string' || typeof request.path !== 'string') return;
  const { waiting, dispatched } = registry();
  if (waiting.size === 0) return;
  const key = `${String(request.method)} ${request.origin}${request.path}`;
  const queue = waiting.get(key);
  if (!queue) return;
  const watch = queue.shift();
  if (queue.length === 0) waiting.delete(key);
  if (watch) dispatched.set(request, watch);
}

function onBodySent(message: unknown): void {
  const request = requestOf(message);
  const { dispatched } = registry();
  const watch = request && dispatched.get(request);
  if (!watch) return;
  dispatched.delete(request);
  // A listener that throws would crash the process (the channel rethrows on the next tick).
  try {
    watch.onWritten();
  } catch {
    // The slot keeps its round-trip bound.
  }
}

function start(): WireState | undefined {
  const wire = registry();
  if (wire.on === undefined) {
    wire.on = false;
    try {
      const channels = (
        globalThis as {
          process?: { getBuiltinModule?: (id: string) => Channels | undefined };
        }
      ).process?.getBuiltinModule?.('node:diagnostics_channel');
      if (channels && typeof channels.subscribe === 'function') {
        channels.subscribe('undici:request:create', onCreate);
        channels.subscribe('undici:request:bodySent', onBodySent);
        wire.on = true;
      }
    } catch {
      // A runtime without the channels: round-trip bounds only.
    }
  }
  return wire.on ? wire : undefined;
}

/** The last fetch looked at, and whether it is Node's own. */
let lastFetch: unknown;
let lastIsNode = false;

/** Whether `fetch` is Node's own (its source loads Node's bundled undici), not a replacement. */
function isNodeFetch(fetch: unknown): boolean {
  if (fetch !== lastFetch) {
    lastFetch = fetch;
    lastIsNode =
      typeof fetch === 'function' &&
      Function.prototype.toString.call(fetch).includes('internal/deps/undici');
  }
  return lastIsNode;
}

/**
 * Asks to be told when the request about to be handed to `fetch` is written to its connection.
 * Call it just before `fetch(input)`, and the returned function once fetch settles (it forgets
 * a request that was never dispatched). Returns `undefined` where the runtime does not report
 * writes, or `fetch` is not Node's own.
 *
 * @param fetch - The fetch about to be called.
 * @param method - The request's method, upper case.
 * @param url - Its URL as fetch sees it (`Request.url`: absolute, without a fragment).
 * @param onWritten - Called once, when the request is written.
 * @internal
 */
export function watchWrite(
  fetch: unknown,
  method: string,
  url: string,
  onWritten: () => void,
): (() => void) | undefined {
  if (!isNodeFetch(fetch)) return undefined;
  const wire = start();
  if (!wire) return undefined;
  const { waiting } = wire;
  const key = `${method} ${url}`;
  const watch: Watch = { onWritten };
  let queue = waiting.get(key);
  if (!queue) waiting.set(key, (queue = []));
  queue.push(watch);
  return () => {
    const current = waiting.get(key);
    const i = current ? current.indexOf(watch) : -1;
    if (!current || i < 0) return;
    current.splice(i, 1);
    if (current.length === 0) waiting.delete(key);
  };
}

/**
 * Request bytes that reach the server in one flight of packets after they are written: TCP's
 * initial window (ten segments, 14,480 bytes on Linux, macOS and Windows alike), less room for
 * the request line and headers (a long token included).
 */
const ONE_FLIGHT_BYTES = 12_000;

/**
 * Whether a request with this body arrives within one flight of packets of being written:
 * no body, or one of at most 12,000 bytes (a string counts three bytes a character unless it
 * is all printable ASCII, as JSON and form bodies mostly are).
 *
 * @internal
 */
export function fitsOneFlight(body: string | Uint8Array | undefined): boolean {
  if (body === undefined) return true;
  if (typeof body !== 'string') return body.byteLength <= ONE_FLIGHT_BYTES;
  if (body.length * 3 <= ONE_FLIGHT_BYTES) return true;
  return body.length <= ONE_FLIGHT_BYTES && !/[^ -~]/.test(body);
}
