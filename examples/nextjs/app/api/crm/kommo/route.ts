/**
 * `POST /api/crm/kommo` with `{ action, input }`: the allow-listed actions of lib/kommo-route.ts,
 * behind the authorization hook of lib/auth.ts. The browser never sees a token.
 */
import { authorize } from '../../../../lib/auth';
import { getCrm } from '../../../../lib/kommo';
import { createKommoApiRoute } from '../../../../lib/kommo-route';

export const dynamic = 'force-dynamic';

const route = createKommoApiRoute({
  kommo: async () => (await getCrm()).kommo,
  authorize,
});

export async function POST(request: Request): Promise<Response> {
  return route(request);
}
