/** `GET /api/crm/connect`: sends the user to Kommo's consent page (see lib/oauth.ts). */
import { oauthRoutesFromEnv } from '../../../../lib/oauth';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const routes = oauthRoutesFromEnv();
  if (!routes) return Response.json({ error: 'oauth_not_configured' }, { status: 404 });
  return routes.start(request);
}
