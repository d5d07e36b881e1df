/**
 * The app's API route (`POST /api/crm/kommo`), safe by construction: the browser can run only
 * the actions listed here, each with validated input; the authorization hook runs before
 * anything; the Kommo token stays on the server (answers carry ids, names and stages only).
 *
 * Framework-free (Web `Request` → `Response`), so it is tested without Next.js.
 */
import { z } from 'zod';
import {
  advanceLead,
  cacheFor,
  createLeadFromChat,
  isKommoError,
  qualifyLead,
  type Kommo,
  type KommoMetrics,
} from 'kommo-sdk';

const contactSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    phone: z.string().trim().min(5).max(40).optional(),
    email: z.email().max(200).optional(),
  })
  .refine((c) => c.phone !== undefined || c.email !== undefined, 'phone or email is required');

/** The allow-list: action name → its input schema. Nothing else can be called. */
const ACTIONS = {
  createLeadFromChat: z.strictObject({
    contact: contactSchema,
    name: z.string().trim().min(1).max(255).optional(),
    price: z.number().int().nonnegative().max(1e9).optional(),
    messages: z
      .array(
        z.strictObject({
          from: z.string().min(1).max(100),
          text: z.string().min(1).max(10_000),
          at: z.number().int().positive().optional(),
        }),
      )
      .max(1000)
      .optional(),
  }),
  recentLeads: z.strictObject({ limit: z.number().int().min(1).max(50).optional() }),
  advanceLead: z.strictObject({ leadId: z.number().int().positive() }),
  qualifyLead: z.strictObject({
    leadId: z.number().int().positive(),
    won: z.boolean(),
    lossReasonId: z.number().int().positive().optional(),
  }),
  syncStatus: z.strictObject({}),
} as const;

/** An action name the route accepts. */
export type KommoAction = keyof typeof ACTIONS;

/** The body the route accepts: `{ action, input }`. */
export type KommoActionRequest = {
  [A in KommoAction]: { action: A; input: z.input<(typeof ACTIONS)[A]> };
}[KommoAction];

/** A lead as the browser sees it. */
export interface RecentLead {
  id: number;
  name: string;
  price: number;
  statusId: number;
  /** The stage's name in its pipeline. */
  stage: string;
  /** The stage's colour in Kommo, for the badge. */
  color: string | undefined;
  updatedAt: number;
}

/** What `createLeadFromChat` answers. */
export interface CreatedLead {
  leadId: number;
  contactId: number;
  contactCreated: boolean;
  noteIds: number[];
}

/** Options of {@link createKommoApiRoute}. */
export interface KommoApiRouteOptions {
  /** The server's client (a promise is fine: the sandbox fallback starts asynchronously). */
  kommo: Kommo | (() => Promise<Kommo>);
  /**
   * Runs first, for every request: resolve `true` to let it through (check the session, an
   * API key, a role). Anything else answers 401 and nothing is sent to Kommo.
   */
  authorize: (request: Request, action: KommoAction) => boolean | Promise<boolean>;
  /** For `syncStatus`: the metrics attached to the client. */
  metrics?: KommoMetrics;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

/** The leads, newest first, with their stage names. */
async function recentLeads(kommo: Kommo, limit: number): Promise<RecentLead[]> {
  const page = await kommo.leads.list({ limit, order: { id: 'desc' } });
  const cache = cacheFor(kommo);
  const leads: RecentLead[] = [];
  for (const lead of page.items) {
    const pipeline = await cache.pipeline(lead.pipeline_id ?? undefined);
    const status = pipeline._embedded?.statuses?.find((s) => s.id === lead.status_id);
    leads.push({
      id: lead.id,
      name: lead.name ?? `Lead #${lead.id}`,
      price: lead.price ?? 0,
      statusId: lead.status_id ?? 0,
      stage: status?.name ?? String(lead.status_id),
      color: status?.color ?? undefined,
      updatedAt: lead.updated_at ?? 0,
    });
  }
  return leads;
}

/** Builds the `POST` handler: `(request: Request) => Promise<Response>`. */
export function createKommoApiRoute(
  options: KommoApiRouteOptions,
): (request: Request) => Promise<Response> {
  const client = options.kommo;
  const getKommo = typeof client === 'function' ? client : () => Promise.resolve(client);
  return async (request) => {
    if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' });
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return json(400, { error: 'invalid_json' });
    }
    const envelope = z
      .strictObject({ action: z.string(), input: z.unknown().optional() })
      .safeParse(body);
    if (!envelope.success) return json(400, { error: 'invalid_request' });
    const action = envelope.data.action;
    if (!Object.hasOwn(ACTIONS, action)) return json(400, { error: 'unknown_action' });
    const name = action as KommoAction;
    // Only a literal `true` lets the request through: a truthy mistake (a user object) does not.
    const allowed: unknown = await options.authorize(request, name);
    if (allowed !== true) return json(401, { error: 'unauthorized' });
    const schema: z.ZodType = ACTIONS[name];
    const input = schema.safeParse(envelope.data.input ?? {});
    if (!input.success) {
      const issues = input.error.issues.map((i) => ({
        path: i.path.join('.'),
        message: i.message,
      }));
      return json(422, { error: 'invalid_input', issues });
    }
    try {
      const kommo = await getKommo();
      switch (name) {
        case 'createLeadFromChat': {
          const p = input.data as z.output<(typeof ACTIONS)['createLeadFromChat']>;
          const { phone, email, name: contactName } = p.contact;
          const r = await createLeadFromChat(kommo, {
            contact: {
              name: contactName,
              ...(phone !== undefined ? { phone } : {}),
              ...(email !== undefined ? { email } : {}),
            },
            ...(p.name !== undefined ? { name: p.name } : {}),
            ...(p.price !== undefined ? { price: p.price } : {}),
            ...(p.messages !== undefined
              ? {
                  messages: p.messages.map((m) => ({
                    from: m.from,
                    text: m.text,
                    ...(m.at !== undefined ? { at: m.at } : {}),
                  })),
                }
              : {}),
          });
          const created: CreatedLead = {
            leadId: r.leadId,
            contactId: r.contactId,
            contactCreated: r.contactCreated,
            noteIds: r.noteIds,
          };
          return json(200, created);
        }
        case 'recentLeads': {
          const p = input.data as z.output<(typeof ACTIONS)['recentLeads']>;
          return json(200, { leads: await recentLeads(kommo, p.limit ?? 10) });
        }
        case 'advanceLead': {
          const p = input.data as z.output<(typeof ACTIONS)['advanceLead']>;
          const move = await advanceLead(kommo, p.leadId);
          return json(200, {
            leadId: move.leadId,
            statusId: move.toStatusId,
            status: move.toStatusName,
          });
        }
        case 'qualifyLead': {
          const p = input.data as z.output<(typeof ACTIONS)['qualifyLead']>;
          const r = await qualifyLead(kommo, p.leadId, p.won, {
            ...(p.lossReasonId !== undefined ? { lossReasonId: p.lossReasonId } : {}),
          });
          return json(200, r);
        }
        case 'syncStatus':
          return json(200, { ok: true, metrics: options.metrics?.snapshot() ?? null });
      }
    } catch (error) {
      // Kommo's detail may name fields, never tokens; other errors stay on the server.
      if (isKommoError(error)) return json(502, { error: error.code, message: error.message });
      console.error('kommo route failed:', error instanceof Error ? error.message : error);
      return json(500, { error: 'internal_error' });
    }
  };
}
