/**
 * The MCP server: the tools (listed with JSON Schemas made from their zod inputs by zod 4's
 * `z.toJSONSchema`, and their annotations), the write safety (dry runs, confirmed bulk writes,
 * the write log), the resources and the prompts, over any MCP transport.
 *
 * @module
 */

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { cacheFor, type Kommo, type KommoCache } from 'kommo-sdk';
import { z } from 'zod';
import { ConfirmationTokenArg, DryRunArg } from './args.js';
import { recordCall, writeLogLine, type WriteLogSink } from './audit.js';
import type { Names } from './compact.js';
import { Confirmations } from './confirm.js';
import { diffRequests } from './diff.js';
import { DryRun } from './dry-run.js';
import { invalidArguments, toErrorBody, ToolError } from './errors.js';
import { registerPrompts } from './prompts.js';
import { usersOrNothing } from './resolve.js';
import { registerResources } from './resources.js';
import { BULK_TOOLS } from './tools/bulk.js';
import { READ_TOOLS } from './tools/read.js';
import type { ToolContext, ToolDef } from './tools/tool.js';
import { WRITE_TOOLS } from './tools/write.js';
import { VERSION } from './version.js';

/** A bulk call touching more entities than this needs a confirmation token by default. */
export const DEFAULT_CONFIRM_ABOVE = 20;

/** Options of {@link KommoMcp}. */
export interface KommoMcpOptions {
  /**
   * The client the tools use. Give it {@link kommoMcpHooks} as `hooks` so the write log names
   * every request with Kommo's request id.
   */
  kommo: Kommo;
  /**
   * List and serve the read tools only: the write and bulk tools are not even listed.
   *
   * @defaultValue false
   */
  readOnly?: boolean;
  /**
   * A bulk call that touches more entities than this is refused without the confirmation
   * token of its dry run.
   *
   * @defaultValue 20
   */
  confirmAbove?: number;
  /**
   * Where the write log goes, one JSON line per write call.
   *
   * @defaultValue standard error
   */
  writeLog?: WriteLogSink;
}

/** One tool as the server holds it: its definition, its full input schema, its listing. */
interface ServedTool {
  def: ToolDef;
  input: z.ZodObject;
  listing: Tool;
}

function serve(def: ToolDef): ServedTool {
  const shape: Record<string, z.core.$ZodType> = { ...def.input };
  if (def.kind !== 'read') shape['dry_run'] = DryRunArg;
  if (def.kind === 'bulk') shape['confirmation_token'] = ConfirmationTokenArg;
  const input = z.strictObject(shape);
  const read = def.kind === 'read';
  const listing: Tool = {
    name: def.name,
    title: def.title,
    description: def.description,
    inputSchema: z.toJSONSchema(input, { io: 'input' }) as Tool['inputSchema'],
    annotations: {
      title: def.title,
      readOnlyHint: read,
      destructiveHint: read ? false : (def.destructive ?? true),
      idempotentHint: read ? true : (def.idempotent ?? false),
      // The tools reach one Kommo account, nothing beyond it.
      openWorldHint: false,
    },
  };
  return { def, input, listing };
}

function result(body: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body };
}

function errorResult(error: unknown): CallToolResult {
  const body = { error: toErrorBody(error) };
  return {
    content: [{ type: 'text', text: JSON.stringify(body) }],
    structuredContent: body,
    isError: true,
  };
}

const ENTITY_OF: Readonly<Record<string, string>> = {
  lead_id: 'leads',
  contact_id: 'contacts',
  company_id: 'companies',
  task_id: 'tasks',
};

function clash(alias: string, into: string): ToolError {
  return new ToolError('invalid_arguments', `${alias}: give ${alias} or ${into}, not both`, {
    issues: [{ field: alias, message: `Same as ${into}: give one of them` }],
  });
}

/** The arguments with their alias names (Kommo's wire names, `id`) turned into the listed ones. */
function applyAliases(def: ToolDef, raw: unknown): unknown {
  if (!def.aliases || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const given = raw as Record<string, unknown>;
  const aliases = def.aliases;
  const args: Record<string, unknown> = Object.fromEntries(
    Object.entries(given).filter(([key]) => !Object.hasOwn(aliases, key)),
  );
  for (const [alias, target] of Object.entries(aliases)) {
    if (!Object.hasOwn(given, alias)) continue;
    const value = given[alias];
    const entity = target === 'entity' ? ENTITY_OF[alias] : undefined;
    const into = entity !== undefined ? 'entity_id' : target;
    const dot = into.indexOf('.');
    if (dot > 0) {
      // Into an object argument: `phone` → `contact.phone`.
      const [outer, inner] = [into.slice(0, dot), into.slice(dot + 1)];
      const current = args[outer] ?? {};
      if (typeof current !== 'object' || current === null || Object.hasOwn(current, inner)) {
        return clash(alias, into);
      }
      args[outer] = { ...current, [inner]: value };
      continue;
    }
    if (
      Object.hasOwn(args, into) ||
      (entity !== undefined && args['entity_type'] !== undefined && args['entity_type'] !== entity)
    ) {
      return clash(alias, into);
    }
    args[into] = value;
    if (entity !== undefined) args['entity_type'] = entity;
  }
  return args;
}

/**
 * The Kommo MCP server's state, shared by every MCP session (one per stdio process; one per
 * HTTP request in the stateless HTTP mode): the client, its cache, the confirmation key.
 *
 * @example
 * ```ts
 * const kommo = new Kommo({ domain: 'acme', accessToken, hooks: kommoMcpHooks });
 * const server = new KommoMcp({ kommo, readOnly: true }).createServer();
 * await server.connect(new StdioServerTransport());
 * ```
 */
export class KommoMcp {
  readonly kommo: Kommo;
  readonly readOnly: boolean;
  readonly confirmAbove: number;
  readonly #cache: KommoCache;
  readonly #confirmations = new Confirmations();
  readonly #writeLog: WriteLogSink;
  readonly #tools: Map<string, ServedTool>;
  readonly #usersRefused = { until: 0 };

  constructor(options: KommoMcpOptions) {
    this.kommo = options.kommo;
    this.readOnly = options.readOnly ?? false;
    this.confirmAbove = options.confirmAbove ?? DEFAULT_CONFIRM_ABOVE;
    this.#cache = cacheFor(this.kommo);
    this.#writeLog = options.writeLog ?? ((line) => process.stderr.write(line));
    const defs = this.readOnly ? READ_TOOLS : [...READ_TOOLS, ...WRITE_TOOLS, ...BULK_TOOLS];
    this.#tools = new Map(defs.map((def) => [def.name, serve(def)]));
  }

  /** The tools as `tools/list` shows them. */
  listTools(): Tool[] {
    return [...this.#tools.values()].map((t) => t.listing);
  }

  /** A new MCP server over this state, to connect to one transport. */
  createServer(): McpServer {
    const server = new McpServer(
      { name: 'kommo-mcp', title: 'Kommo CRM', version: VERSION },
      {
        instructions:
          'Tools for one Kommo (amoCRM) account. Names of pipelines, stages, users and custom fields come from list_pipelines, list_users and list_custom_fields. Every write tool takes dry_run: true to preview the exact requests and the diff without changing anything; bulk tools above the confirmation threshold need the confirmation_token of their own dry run. Requests are paced under the account rate limit: do not retry a rate_limited or account_blocked error at once.',
      },
    );
    // Tools are served here rather than through `registerTool`: the schemas are listed as zod 4
    // makes them, and a bad argument comes back as a tool error naming the field, like every
    // other failure.
    server.server.registerCapabilities({ tools: { listChanged: false } });
    server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.listTools() }));
    server.server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
      this.callTool(request.params.name, request.params.arguments, {
        signal: extra.signal,
        requestId: extra.requestId,
      }),
    );
    registerResources(server, this.#cache);
    registerPrompts(server);
    return server;
  }

  /**
   * Runs one tool: parses the arguments, runs it (for real or as a dry run), logs writes, and
   * turns every failure into a tool error.
   *
   * @throws `McpError` (InvalidParams) for a tool this server does not list.
   */
  async callTool(
    name: string,
    rawArgs: unknown,
    call: { signal?: AbortSignal; requestId?: string | number } = {},
  ): Promise<CallToolResult> {
    const tool = this.#tools.get(name);
    if (!tool) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown tool ${JSON.stringify(name)}${this.readOnly ? ' (the server runs read-only)' : ''}`,
      );
    }
    const aliased = applyAliases(tool.def, rawArgs ?? {});
    if (aliased instanceof ToolError) return errorResult(aliased);
    const parsed = tool.input.safeParse(aliased);
    if (!parsed.success) return errorResult(invalidArguments(name, parsed.error));
    const args = parsed.data;
    const signal = call.signal ?? new AbortController().signal;
    if (tool.def.kind === 'read') {
      try {
        return result(
          await tool.def.run(args, this.#context(this.kommo, false, signal, name, args)),
        );
      } catch (error) {
        return errorResult(error);
      }
    }

    const dryRun = args['dry_run'] === true;
    const dry = dryRun ? new DryRun(this.kommo) : undefined;
    const issued: { token?: string } = {};
    const ctx = this.#context(dry?.client ?? this.kommo, dryRun, signal, name, args, issued);
    const { record, result: run } = recordCall(async () => {
      const body = await tool.def.run(args, ctx);
      if (!dry) return body;
      return {
        dry_run: true,
        requests: dry.describe(dry.requests),
        diff: dry.describe(await diffRequests(this.kommo, dry.requests, signal)),
        result: dry.describe(body),
        ...(issued.token !== undefined ? { confirmation_token: issued.token } : {}),
      };
    });
    let outcome: CallToolResult;
    let logged: { ok: boolean; error?: string; result?: unknown };
    try {
      const body = await run;
      outcome = result(body);
      logged = { ok: true, result: dryRun ? undefined : body };
    } catch (error) {
      outcome = errorResult(error);
      logged = { ok: false, error: toErrorBody(error).code };
    }
    writeLogLine(this.#writeLog, {
      time: new Date().toISOString(),
      tool: name,
      mcp_request_id: call.requestId ?? '',
      dry_run: dryRun,
      ok: logged.ok,
      ...(logged.error !== undefined ? { error: logged.error } : {}),
      args,
      ...(logged.result !== undefined ? { result: logged.result } : {}),
      requests: record.requests,
    });
    return outcome;
  }

  #context(
    kommo: Kommo,
    dryRun: boolean,
    signal: AbortSignal,
    tool: string,
    args: Record<string, unknown>,
    issued: { token?: string } = {},
  ): ToolContext {
    return {
      kommo,
      main: this.kommo,
      cache: this.#cache,
      dryRun,
      signal,
      names: async (): Promise<Names> => {
        const [pipelines, users] = await Promise.all([
          this.#cache.pipelines(),
          usersOrNothing(this.#cache, this.#usersRefused),
        ]);
        return { pipelines, users };
      },
      confirm: (ids) => {
        const subject = { tool, args, ids };
        if (dryRun) {
          if (ids.length > this.confirmAbove) issued.token = this.#confirmations.issue(subject);
          return;
        }
        if (ids.length <= this.confirmAbove) return;
        const token = args['confirmation_token'];
        if (this.#confirmations.verify(subject, typeof token === 'string' ? token : undefined))
          return;
        throw new ToolError(
          'confirmation_required',
          `${tool} would change ${ids.length} entities, more than ${this.confirmAbove} without confirmation: call it with dry_run: true, check the diff, then call it again with the same arguments and the confirmation_token the dry run returned${token !== undefined ? ' (the token given does not match these arguments and entities, or it expired)' : ''}`,
          {
            issues: [
              {
                field: 'confirmation_token',
                message: token === undefined ? 'Required' : 'Not valid for these arguments',
              },
            ],
            entities: ids.length,
            confirm_above: this.confirmAbove,
          },
        );
      },
    };
  }
}
