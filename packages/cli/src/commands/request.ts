/**
 * `kommo request <method> <path>`: any endpoint, with the SDK's auth, pacing, retries and
 * errors; the answer as JSON on stdout (`| jq` friendly).
 *
 * @module
 */

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { KommoRequest } from 'kommo-sdk';
import { printJson, readAll, UsageError } from '../io.js';
import { addAccountOptions, collect, type Wrap } from '../program.js';
import { parsePairs } from '../query.js';

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

async function readBody(data: string, stdin: NodeJS.ReadableStream): Promise<unknown> {
  let text: string;
  if (data === '-') text = await readAll(stdin);
  else if (data.startsWith('@')) {
    try {
      text = await readFile(data.slice(1), 'utf8');
    } catch (cause) {
      throw new UsageError(
        `--data: cannot read ${data.slice(1)} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  } else text = data;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new UsageError(`--data is not JSON: ${(cause as Error).message}`);
  }
}

/** Registers `kommo request`. */
export function registerRequest(program: Command, wrap: Wrap): void {
  const command = program
    .command('request')
    .description(
      'Call any endpoint of the account and print the JSON answer (null for an empty one)',
    )
    .argument('<method>', METHODS.join(', '))
    .argument('<path>', 'the path on the account host, e.g. /api/v4/leads')
    .option(
      '-q, --query <key=value>',
      'a query parameter, Kommo bracket style allowed (filter[id][]=1); repeatable',
      collect,
    )
    .option('-d, --data <json>', 'a JSON body: inline, @file, or - for stdin')
    .addHelpText(
      'after',
      `
Examples:
  kommo request GET /api/v4/leads --query limit=5 --query with=contacts
  kommo request GET /api/v4/leads --query 'filter[statuses][0][pipeline_id]=3177727' --sandbox
  kommo request PATCH /api/v4/leads/123 --data '{"price": 1500}'
  kommo request GET /api/v4/account | jq .name`,
    );
  addAccountOptions(command);
  command.action(
    wrap(async (ctx, methodArg, pathArg, options) => {
      const method = String(methodArg).toUpperCase();
      if (!(METHODS as readonly string[]).includes(method))
        throw new UsageError(`unknown method ${JSON.stringify(methodArg)} (${METHODS.join(', ')})`);
      const path = String(pathArg);
      if (
        !path.startsWith('/') ||
        path.includes('?') ||
        path.includes('#') ||
        path.startsWith('//')
      )
        throw new UsageError(
          `the path must start with / and carry no query (use --query): ${JSON.stringify(path)}`,
        );
      const opts = options as { query?: string[]; data?: string };
      const request: KommoRequest = { method: method as Method, path };
      if (opts.query) request.query = parsePairs(opts.query, '--query');
      if (opts.data !== undefined) {
        if (method === 'GET' || method === 'DELETE')
          throw new UsageError(`--data is not sent with ${method}`);
        request.body = await readBody(opts.data, ctx.io.stdin);
      }
      const conn = await ctx.connect();
      try {
        const answer = await conn.kommo.request(request);
        printJson(ctx.io, answer);
      } finally {
        await conn.close();
      }
      return 0;
    }),
  );
}
