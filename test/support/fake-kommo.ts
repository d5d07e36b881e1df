import type { RateLimiter, RateLimitSlot } from '../../src/index.js';

/** One request a {@link FakeKommo} received. */
export interface FakeRequest {
  method: string;
  path: string;
  page: number | undefined;
  body: unknown;
}

/**
 * A `fetch` that plays a Kommo account's leads: `GET /api/v4/leads` pages through `leads`
 * items (a 204 past the end, a `next` link on every full page, as Kommo does), `POST` creates
 * refs from the body's `request_id`s. Answers take `latencyMs` of real time (a timer, so
 * requests overlap); `answer` can replace any answer. It counts requests and the most in
 * flight at once: the figures the tests assert, never a duration.
 */
export class FakeKommo {
  readonly requests: FakeRequest[] = [];
  inFlight = 0;
  mostInFlight = 0;
  #nextId = 1;

  constructor(
    private readonly options: {
      leads?: number;
      latencyMs?: number;
      answer?: (request: FakeRequest, n: number) => Response | undefined;
    } = {},
  ) {}

  readonly fetch: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = request.method === 'GET' ? '' : await request.text();
    const pageParam = url.searchParams.get('page');
    const seen: FakeRequest = {
      method: request.method,
      path: url.pathname,
      page: pageParam === null ? undefined : Number(pageParam),
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
    this.requests.push(seen);
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs ?? 2));
      return (
        this.options.answer?.(seen, this.requests.length) ??
        this.#serve(seen, Number(url.searchParams.get('limit') ?? 250))
      );
    } finally {
      this.inFlight--;
    }
  };

  #serve(request: FakeRequest, limit: number): Response {
    if (request.method === 'GET') {
      const total = this.options.leads ?? 0;
      const from = ((request.page ?? 1) - 1) * limit;
      const count = Math.max(0, Math.min(limit, total - from));
      if (count === 0) return new Response(null, { status: 204 });
      return json({
        _page: request.page,
        _links: { self: { href: 'x' }, ...(count === limit ? { next: { href: 'y' } } : {}) },
        _embedded: {
          leads: Array.from({ length: count }, (_, i) => ({
            id: from + i + 1,
            name: `L${from + i}`,
          })),
        },
      });
    }
    const items = (request.body ?? []) as Array<{ request_id?: string }>;
    return json({
      _embedded: {
        leads: items.map((item) => ({ id: this.#nextId++, request_id: item.request_id })),
      },
    });
  }

  /** The pages requested, in order. */
  get pages(): number[] {
    return this.requests.flatMap((r) => (r.page === undefined ? [] : [r.page]));
  }
}

/** A JSON answer. */
export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/hal+json' },
  });
}

/** A limiter that lets everything through at once and sizes in-flight work to `inFlight`. */
export function sizingLimiter(inFlight: number): RateLimiter {
  const slot: RateLimitSlot = { sent: () => {}, answered: () => {}, released: () => {} };
  return {
    acquire: () => Promise.resolve(slot),
    suggestedInFlight: () => inFlight,
  };
}
