/**
 * `GET /api/crm/callback`: the OAuth redirect URI (set `KOMMO_REDIRECT_URI` to this URL and
 * register it for the integration). Exchanges the code and saves the pair in the token store the
 * server's client reads; see lib/oauth.ts.
 */
import { oauthRoutesFromEnv } from '../../../../lib/oauth';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const routes = oauthRoutesFromEnv();
  if (!routes) return Response.json({ error: 'oauth_not_configured' }, { status: 404 });
  return routes.callback(request);
}
