/**
 * The original app's API route, rebuilt on the SDK and safe by construction: the browser can
 * run only the actions listed here, each with validated input; an authorization hook runs
 * before anything; the Kommo token stays on the server (answers carry ids and names only).
 *
 * In Next.js (App Router) save as `app/api/kommo/route.ts`:
 *
 * ```ts
 * import { createKommoApiRoute } from '@/lib/kommo-api-route';
 * import { getKommo } from '@/lib/kommo';
 * export const POST = createKommoApiRoute({ kommo: getKommo(), authorize: async (req) => !!(await auth(req)) });
 * ```
 */
import { z } from 'zod';
import {
  advanceLead,
  createLeadFromChat,
  isKommoError,
  qualifyLead,
  type Kommo,
  type KommoMetrics,
} from '../../src/index.js';

const phoneOrEmail = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    phone: z.string().trim().min(5).max(40).optional(),
    email: z.email().max(200).optional(),
  })
  .refine((c) => c.phone !== undefined || c.email !== undefined, 'phone or email is required');

/** The allow-list: action name → its input schema. Nothing else can be called. */
const ACTIONS = {
  createLeadFromChat: z.strictObject({
    contact: phoneOrEmail,
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

/** Options of {@link createKommoApiRoute}. */
export interface KommoApiRouteOptions {
  kommo: Kommo;
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

/** Builds the `POST` handler: `(request: Request) => Promise<Response>`. */
export function createKommoApiRoute(
  options: KommoApiRouteOptions,
): (request: Request) => Promise<Response> {
  const { kommo } = options;
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
          return json(200, {
            leadId: r.leadId,
            contactId: r.contactId,
            contactCreated: r.contactCreated,
          });
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
      return json(500, { error: 'internal_error' });
    }
  };
}
