/**
 * The server-side client of the Next.js app: one per process, from the environment. Import it
 * only in route handlers and server actions (`import 'server-only'` in a real app), never in a
 * client component: the token must not reach the browser bundle.
 */
import { createMetrics, Kommo } from '../../src/index.js';

/** The app's metrics: the `syncStatus` action reports them. */
export const metrics = createMetrics();

let client: Kommo | undefined;

/** The app's Kommo client (`KOMMO_DOMAIN` + `KOMMO_ACCESS_TOKEN`, or `KOMMO_BASE_URL` for a sandbox). */
export function getKommo(): Kommo {
  if (!client) {
    const accessToken = process.env['KOMMO_ACCESS_TOKEN'] ?? '';
    const baseUrl = process.env['KOMMO_BASE_URL'];
    client = metrics.attach(
      new Kommo({
        ...(baseUrl ? { baseUrl } : { domain: process.env['KOMMO_DOMAIN'] ?? '' }),
        accessToken,
        hooks: metrics.hooks,
      }),
    );
  }
  return client;
}
