/**
 * The authorization hook of the API routes. This demo has no users, so it only refuses
 * requests that do not come from the app's own pages (another site's form or script, a
 * stray `curl`). **Replace it with your session check** (NextAuth's `auth()`, Clerk, a role):
 * whoever passes it can create leads in your Kommo account.
 */
export function authorize(request: Request): boolean {
  // Browsers mark their requests: `same-origin` for fetches from the app's own pages.
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin';
  // Older browsers: the Origin header of a POST must name this host.
  const origin = request.headers.get('origin');
  const host = request.headers.get('host');
  if (origin === null || host === null) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
