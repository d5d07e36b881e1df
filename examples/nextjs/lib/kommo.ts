/**
 * The server's Kommo client: one per server process, from the `KOMMO_*` variables
 * (`Kommo.fromEnv` rules: `.env.example` at the repository root lists them), or a local sandbox
 * started in this process when none is set. Import it only from route handlers and server
 * code: the token must never reach the browser bundle.
 */
import { createMetrics, type Kommo, type KommoMetrics } from 'kommo-sdk';
import { connectOrSandbox } from 'kommo-sdk/sandbox';

/** The connected client and what the status route reports about it. */
export interface Crm {
  kommo: Kommo;
  metrics: KommoMetrics;
  /** `sandbox` (in-process or a loopback `KOMMO_BASE_URL`) or `account`. */
  mode: 'sandbox' | 'account';
  /** What the client talks to (never a token). */
  target: string;
}

// On globalThis rather than in a module variable: Next.js may load this module once per route
// bundle (and again on every reload in `next dev`), and the process must still hold one client,
// one pacing budget and at most one sandbox.
const KEY = Symbol.for('kommo-sdk.nextjs-example.crm');
type Holder = { [KEY]?: Promise<Crm> };

async function connect(): Promise<Crm> {
  const metrics = createMetrics();
  const conn = await connectOrSandbox({ overrides: { hooks: metrics.hooks } });
  metrics.attach(conn.kommo);
  console.log(`kommo: connected to ${conn.target}`);
  return { kommo: conn.kommo, metrics, mode: conn.mode, target: conn.target };
}

/** The process's client, connected on first use. */
export function getCrm(): Promise<Crm> {
  const holder = globalThis as Holder;
  const existing = holder[KEY];
  if (existing) return existing;
  const created = connect().catch((error: unknown) => {
    // A failed start (bad configuration) is retried by the next request, not cached forever.
    delete holder[KEY];
    throw error;
  });
  holder[KEY] = created;
  return created;
}
