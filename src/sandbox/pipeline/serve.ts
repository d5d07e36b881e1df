/**
 * The step that answers: the OAuth endpoints, or a surface's credentials check, route and
 * handler; then the changes the request made become audit events and webhooks, and a fault
 * may still reset the connection of a successful write.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { recordChangeEvents } from '../changes.js';
import type { Ctx } from '../context.js';
import { HttpProblem, internalError, problem, type Reply } from '../problems.js';
import { parseQuery } from '../query.js';
import type { Surface } from '../router.js';
import type { Exchange, Runtime, Step } from './exchange.js';
import { resetAfterWrite } from './faults.js';

const notFound = (x: Exchange, rt: Runtime): Reply =>
  problem(404, `Cannot ${x.method} ${rt.url}${encodeURI(x.path)}`);

const contentTypeOf = (x: Exchange): string => (x.req.headers['content-type'] ?? '').toLowerCase();

/** `/oauth`, `/oauth2/access_token` and `/oauth2/account/current/subdomain`, or `undefined`. */
function oauthEndpoint(x: Exchange, rt: Runtime): Reply | undefined {
  if (x.path === '/oauth' && x.method === 'GET')
    return rt.oauth.authorize(new URLSearchParams(x.rawQuery));
  if (x.path === '/oauth2/access_token') {
    if (x.method !== 'POST') return problem(405, 'Method Not Allowed');
    let body: unknown;
    try {
      // The docs show JSON; league/oauth2-client posts a form: both are accepted.
      body = contentTypeOf(x).startsWith('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(x.body.toString('utf8')))
        : JSON.parse(x.body.toString('utf8') || 'null');
    } catch {
      body = undefined;
    }
    return rt.oauth.token(body);
  }
  if (x.path === '/oauth2/account/current/subdomain' && x.method === 'GET') {
    const header = x.req.headers['x-refresh-token'];
    return rt.oauth.subdomain(
      typeof header === 'string' ? header : undefined,
      rt.store.account.subdomain,
    );
  }
  return undefined;
}

/** Parses a JSON body into `ctx.body`; a reply refuses a body that is not JSON. */
function parseJson(x: Exchange, ctx: Ctx): Reply | undefined {
  if (x.body.length === 0) return undefined;
  const contentType = contentTypeOf(x);
  if (
    contentType !== '' &&
    !contentType.startsWith('application/json') &&
    !/^application\/[\w.+-]*\+json/.test(contentType)
  )
    return problem(400, 'Request body must be JSON (Content-Type: application/json)');
  try {
    ctx.body = JSON.parse(x.body.toString('utf8'));
    return undefined;
  } catch {
    return problem(400, 'Syntax error');
  }
}

/** Credentials, then the route, then the body, then the handler. */
function route(x: Exchange, rt: Runtime, surface: Surface, ctx: Ctx): Reply {
  if ('serve' in surface) return surface.serve(ctx, x.req, x.rawPath, x.body);
  const refused = surface.authenticate(x.req, x.body);
  if (refused) return refused;
  const found = surface.router.match(x.method, x.path);
  if (found.kind === 'not-found') return notFound(x, rt);
  if (found.kind === 'method-not-allowed') return problem(405, 'Method Not Allowed');
  ctx.params = found.params;
  if (surface.rawBodies) {
    ctx.raw = x.body;
    return found.handler(ctx);
  }
  return parseJson(x, ctx) ?? found.handler(ctx);
}

function answer(x: Exchange, rt: Runtime, ctx: Ctx): Reply {
  try {
    const oauth = oauthEndpoint(x, rt);
    if (oauth) return oauth;
    return x.surface ? route(x, rt, x.surface, ctx) : notFound(x, rt);
  } catch (error) {
    if (error instanceof HttpProblem) return error.reply;
    // A bug in a handler must not take the server down: answer like Kommo's 500.
    return internalError(randomBytes(16).toString('hex'));
  }
}

/** Answers the request, records its changes, and sends its webhooks after the answer. */
export const serve: Step = (x, rt) => {
  const store = rt.store;
  const ctx: Ctx = {
    method: x.method,
    path: x.path,
    params: {},
    query: parseQuery(new URLSearchParams(x.rawQuery)),
    body: undefined,
    store,
    baseUrl: rt.url,
    now: Math.floor(Date.now() / 1000),
    userId: store.account.current_user_id,
    events: [],
    noteTextMaxLength: rt.noteTextMaxLength,
  };
  const reply = answer(x, rt, ctx);
  if (ctx.bodyItems !== undefined) x.entry.bodyItems = ctx.bodyItems;
  if (reply.status === 401) rt.log.stats.status401++;
  const events = ctx.events;
  if (events.length > 0 && reply.status < 300)
    recordChangeEvents(store, events, ctx.now, ctx.userId);
  // Webhooks go out after the answer, never delaying it.
  if (events.length > 0) setImmediate(() => rt.webhooks.dispatch(rt.store, events));
  return resetAfterWrite(x, reply, rt) ? 'reset' : reply;
};
