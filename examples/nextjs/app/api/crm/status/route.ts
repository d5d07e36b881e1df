/**
 * `GET /api/crm/status`: what the sync badge shows. Webhook counts and errors from lib/sync.ts,
 * API counts from the client's metrics; polled by the page every second.
 */
import { authorize } from '../../../../lib/auth';
import { getCrm } from '../../../../lib/kommo';
import { syncState, type AppStatus } from '../../../../lib/sync';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  if (!authorize(request)) return Response.json({ error: 'unauthorized' }, { status: 401 });
  const crm = await getCrm();
  const m = crm.metrics.snapshot();
  const status: AppStatus = {
    target: crm.target,
    mode: crm.mode,
    ...syncState(),
    api: {
      requests: m.requests,
      failed: m.syncErrors,
      retries: m.retries,
      leadsCreated: m.chatToLead.leads,
    },
  };
  return Response.json(status, { headers: { 'cache-control': 'no-store' } });
}
