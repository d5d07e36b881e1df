// The installed kommo-mcp bin, spoken to in raw JSON-RPC over stdio as an MCP host does:
// initialize, tools/list, tools/call against its own sandbox, then stdin closed → exit 0.
// Twice: --read-only (the 9 read tools, one read), then all 19 tools (a dry run that sends
// nothing, the write itself, and the lead read back).
// Run from a folder where kommo-mcp is installed: node initialize.mjs
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const bin =
  process.platform === 'win32' ? 'node_modules/.bin/kommo-mcp.cmd' : 'node_modules/.bin/kommo-mcp';

function fail(what) {
  console.error(`mcp smoke: ${what}`);
  process.exit(1);
}
function check(condition, what) {
  if (!condition) fail(what);
}

/** Starts the bin with these flags, initializes a session and returns its request function. */
async function start(args) {
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const pending = new Map();
  lines.on('line', (line) => {
    const message = JSON.parse(line);
    pending.get(message.id)?.(message);
  });
  let nextId = 1;
  function request(method, params) {
    const id = nextId++;
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 30_000);
      pending.set(id, (m) => {
        clearTimeout(timer);
        if (m.error) reject(new Error(`${method}: ${JSON.stringify(m.error)}`));
        else resolve(m.result);
      });
    });
  }
  const init = await request('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'package-smoke', version: '1.0.0' },
  });
  check(init.serverInfo?.name === 'kommo-mcp', `serverInfo: ${JSON.stringify(init.serverInfo)}`);
  check(init.capabilities?.tools !== undefined, 'no tools capability');
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  async function call(name, args) {
    const result = await request('tools/call', { name, arguments: args });
    check(result.isError !== true, `${name}: ${JSON.stringify(result)}`);
    return result.structuredContent;
  }
  async function stop() {
    child.stdin.end();
    const code = await new Promise((resolve) => child.on('exit', resolve));
    check(code === 0, `exit code ${code}`);
  }
  return { init, request, call, stop };
}

const readOnly = await start(['--sandbox', '--read-only']);
const { tools: readTools } = await readOnly.request('tools/list', {});
check(
  readTools.length === 9 && readTools.every((t) => t.annotations?.readOnlyHint === true),
  `read-only tools: ${readTools.map((t) => t.name).join(', ')}`,
);
check((await readOnly.call('list_pipelines', {})).items.length > 0, 'list_pipelines: no items');
await readOnly.stop();

const full = await start(['--sandbox']);
const { tools } = await full.request('tools/list', {});
check(tools.length === 19, `tools: ${tools.map((t) => t.name).join(', ')}`);
const dry = await full.call('create_lead', { name: 'Smoke lead', price: 5, dry_run: true });
check(dry.dry_run === true && dry.requests?.length > 0, `dry run: ${JSON.stringify(dry)}`);
const before = (await full.call('search_leads', { query: 'Smoke lead' })).items.length;
check(before === 0, `the dry run created ${before} lead(s)`);
const created = await full.call('create_lead', { name: 'Smoke lead', price: 5 });
const read = await full.call('get_lead', { lead_id: created.lead_id });
check(read.lead?.name === 'Smoke lead', `get_lead: ${JSON.stringify(read)}`);
const after = (await full.call('search_leads', { query: 'Smoke lead' })).items.length;
check(after === 1, `search_leads finds ${after} lead(s) after one create_lead`);
await full.stop();

console.log(
  `mcp smoke: initialize ${readOnly.init.protocolVersion}; --read-only: ${readTools.length} tools, list_pipelines ok; ` +
    `${tools.length} tools, create_lead dry run sent nothing, create_lead + get_lead ok; exit 0 twice`,
);
