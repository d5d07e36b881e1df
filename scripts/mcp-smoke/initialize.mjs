// The installed kommo-mcp bin, spoken to in raw JSON-RPC over stdio as an MCP host does:
// initialize, tools/list, one tools/call against its own sandbox, then stdin closed → exit 0.
// Run from a folder where kommo-mcp is installed: node initialize.mjs
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const bin =
  process.platform === 'win32' ? 'node_modules/.bin/kommo-mcp.cmd' : 'node_modules/.bin/kommo-mcp';
const child = spawn(bin, ['--sandbox', '--read-only'], { stdio: ['pipe', 'pipe', 'inherit'] });
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
function check(condition, what) {
  if (!condition) {
    console.error(`mcp smoke: ${what}`);
    child.kill();
    process.exit(1);
  }
}

const init = await request('initialize', {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'package-smoke', version: '1.0.0' },
});
check(init.serverInfo?.name === 'kommo-mcp', `serverInfo: ${JSON.stringify(init.serverInfo)}`);
check(init.capabilities?.tools !== undefined, 'no tools capability');
child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
const { tools } = await request('tools/list', {});
check(
  tools.length === 9 && tools.every((t) => t.annotations?.readOnlyHint === true),
  'read-only tools',
);
const call = await request('tools/call', { name: 'list_pipelines', arguments: {} });
check(
  call.isError !== true && call.structuredContent.items.length > 0,
  `list_pipelines: ${JSON.stringify(call)}`,
);
child.stdin.end();
const code = await new Promise((resolve) => child.on('exit', resolve));
check(code === 0, `exit code ${code}`);
console.log(
  `mcp smoke: initialize ${init.protocolVersion}, ${tools.length} read-only tools, list_pipelines ok, exit 0`,
);
