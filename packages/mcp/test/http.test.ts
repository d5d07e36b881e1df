/**
 * kommo-mcp over Streamable HTTP: the built bin with `--http`, driven by the official MCP
 * client, against a sandbox; and the doors it keeps shut (bearer secret, Host, Origin).
 */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { startSandbox, type Sandbox } from 'kommo-sdk/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  cleanEnv,
  connectHttp,
  ok,
  startHttpChild,
  tokenFile,
  toolError,
  type HttpChild,
} from './support/mcp.js';

const SECRET = 'test-secret-0123456789abcdef';

let sandbox: Sandbox;
let server: HttpChild;

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
};

function post(headers: Record<string, string>, url = server.url): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(INITIALIZE),
  });
}

/** Whether a TCP connection to host:port opens (`'connected'`) or the error code it meets. */
function connectCode(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: 7 });
  server = await startHttpChild(
    ['--base-url', sandbox.url, '--token-file', tokenFile(sandbox.accessToken)],
    cleanEnv({ KOMMO_MCP_SECRET: SECRET }),
  );
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await sandbox.close();
});

describe('the HTTP transport', () => {
  it('binds to loopback unless told otherwise', async () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/mcp');
    const port = Number(url.port);
    // Bound to 127.0.0.1 only: another loopback address and the machine's own addresses on
    // its network interfaces find nothing listening on that port.
    const others = [
      '127.0.0.2',
      ...Object.values(networkInterfaces())
        .flat()
        .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
        .map((i) => (i as { address: string }).address),
    ];
    for (const host of others) expect(await connectCode(host, port)).toBe('ECONNREFUSED');
    expect(await connectCode('127.0.0.1', port)).toBe('connected');

    // Told otherwise (--host 127.0.0.2, a loopback address Linux answers on): there only.
    const moved = await startHttpChild(
      ['--host', '127.0.0.2', '--sandbox'],
      cleanEnv({ KOMMO_MCP_SECRET: SECRET }),
    );
    try {
      expect(new URL(moved.url).hostname).toBe('127.0.0.2');
      expect((await post({ authorization: `Bearer ${SECRET}` }, moved.url)).status).toBe(200);
      expect(await connectCode('127.0.0.1', Number(new URL(moved.url).port))).toBe('ECONNREFUSED');
      expect(moved.stderr()).not.toContain('is not loopback');
    } finally {
      expect(await moved.stop()).toBe(0);
    }

    // A wildcard bind is allowed when asked for, with a warning; Host still has to be a name
    // of this server.
    const wide = await startHttpChild(
      ['--host', '0.0.0.0', '--sandbox'],
      cleanEnv({ KOMMO_MCP_SECRET: SECRET }),
    );
    try {
      expect(wide.stderr()).toContain('0.0.0.0 is not loopback');
      const widePort = new URL(wide.url).port;
      expect(
        (await post({ authorization: `Bearer ${SECRET}` }, `http://127.0.0.1:${widePort}/mcp`))
          .status,
      ).toBe(200);
      expect(
        (await post({ authorization: `Bearer ${SECRET}` }, `http://127.0.0.2:${widePort}/mcp`))
          .status,
      ).toBe(403);
    } finally {
      expect(await wide.stop()).toBe(0);
    }
  });

  it('refuses requests without the bearer secret, or with a wrong one', async () => {
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await post({ authorization: 'Bearer wrong-secret' })).status).toBe(401);
    expect((await post({ authorization: SECRET })).status).toBe(401);
    const good = await post({ authorization: `Bearer ${SECRET}` });
    expect(good.status).toBe(200);
    expect(
      ((await good.json()) as { result: { serverInfo: { name: string } } }).result.serverInfo.name,
    ).toBe('kommo-mcp');
  });

  it('refuses a foreign Host or Origin (DNS rebinding), even with the secret', async () => {
    const auth = { authorization: `Bearer ${SECRET}` };
    // fetch sets Host from the URL: reach 127.0.0.1 under another name through a raw request.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(server.url);
      const req = request(
        {
          host: '127.0.0.1',
          port: url.port,
          path: '/mcp',
          method: 'POST',
          headers: {
            ...auth,
            host: `evil.example:${url.port}`,
            'content-type': 'application/json',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(INITIALIZE));
    });
    expect(status).toBe(403);
    expect((await post({ ...auth, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ ...auth, origin: 'http://localhost:5173' })).status).toBe(200);
  });

  it('answers GET and DELETE with 405 (stateless: no stream, no session)', async () => {
    const auth = { authorization: `Bearer ${SECRET}` };
    expect((await fetch(server.url, { headers: auth })).status).toBe(405);
    expect((await fetch(server.url, { method: 'DELETE', headers: auth })).status).toBe(405);
    expect((await fetch(server.url.replace('/mcp', '/other'), { headers: auth })).status).toBe(404);
  });

  it('carries a conversation with the official client: the sandbox holds exactly its result', async () => {
    const s = await connectHttp(server.url, SECRET);
    try {
      const { tools } = await s.client.listTools();
      expect(tools).toHaveLength(19);
      expect(tools.every((t) => typeof t.annotations?.readOnlyHint === 'boolean')).toBe(true);
      const before = sandbox.state.leads.size;
      const lead = ok<{ lead_id: number; contact: { id: number } }>(
        await s.call('create_lead', {
          name: 'HTTP lead',
          pipeline: 'Sales',
          stage: 'Initial contact',
          contact: { name: 'Jon Web', email: 'jon.web@example.com' },
        }),
      );
      ok(await s.call('move_lead', { lead_id: lead.lead_id, stage: 'Proposal sent' }));
      ok(
        await s.call('add_note', {
          entity_type: 'leads',
          entity_id: lead.lead_id,
          text: 'via HTTP',
        }),
      );
      const task = ok<{ task_id: number }>(
        await s.call('create_task', {
          text: 'Call Jon',
          due: '2031-01-01',
          entity_type: 'leads',
          entity_id: lead.lead_id,
        }),
      );
      expect(sandbox.state.leads.size).toBe(before + 1);
      const saved = sandbox.state.leads.get(lead.lead_id);
      const stages = sandbox.state.pipelines.get(saved?.pipeline_id ?? 0)?.statuses ?? [];
      expect(stages.find((st) => st.id === saved?.status_id)?.name).toBe('Proposal sent');
      expect(
        sandbox.state.notes.filter((n) => n.entity_id === lead.lead_id).map((n) => n.params),
      ).toEqual([{ text: 'via HTTP' }]);
      expect(sandbox.state.tasks.get(task.task_id)).toMatchObject({
        text: 'Call Jon',
        entity_id: lead.lead_id,
      });
      expect(sandbox.state.contacts.get(lead.contact.id)?.name).toBe('Jon Web');

      const bad = toolError(await s.call('move_lead', { lead_id: lead.lead_id }));
      expect(bad.issues?.map((i) => i.field)).toEqual(['stage']);
      expect(server.stderr()).toContain('"tool":"create_lead"');
      expect(server.stderr()).not.toContain(SECRET);
      expect(server.stderr()).not.toContain(sandbox.accessToken);
    } finally {
      await s.close();
    }
  });

  it('will not start without the secret', () => {
    const run = spawnSync(process.execPath, [BIN, '--http', '--sandbox'], {
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('KOMMO_MCP_SECRET');
  });
});
