/**
 * A sandbox in its own process, driven over IPC by {@link startRemoteSandbox}. The benchmarks
 * run the server out of process so that its CPU time (rendering and serialising pages, parsing
 * write bodies) neither counts in the client's `process.cpuUsage()` nor delays the client's
 * event loop, and so that the arrival times it logs are not held back by client work.
 *
 * Not run by hand: `bench/lib.ts` forks it.
 */
import {
  startSandbox,
  type SandboxFaults,
  type SandboxOptions,
  type SandboxRateLimitOptions,
} from '../src/sandbox/index.js';
import type { RemoteCall, RemoteReply } from './lib.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const sandbox = await startSandbox(options);

function handle(call: RemoteCall): unknown {
  switch (call.op) {
    case 'clearRequests':
      sandbox.clearRequests();
      return null;
    case 'reset':
      sandbox.reset();
      return null;
    case 'setFaults':
      sandbox.setFaults(call.arg as SandboxFaults | SandboxFaults[] | null);
      return null;
    case 'setRateLimit':
      sandbox.setRateLimit(call.arg as SandboxRateLimitOptions);
      return null;
    case 'expiredTokens': {
      // A pair whose access token has expired, on the server and in the pair's `expires_at`:
      // the client refreshes before its first request, as a process started from a stored pair.
      const issued = sandbox.issueTokens();
      sandbox.expireAccessTokens();
      const tokens = {
        access_token: issued.access_token,
        refresh_token: issued.refresh_token,
        token_type: issued.token_type,
        expires_at: Math.floor(Date.now() / 1000) - 60,
      };
      return { tokens, oauth: sandbox.oauth };
    }
    case 'stats':
      return sandbox.stats;
    case 'log':
      // Only what the benchmarks read, to keep the message small.
      return sandbox.requests.map((r) => ({
        method: r.method,
        path: r.path,
        status: r.status,
        arrivedAt: r.arrivedAt,
        bodyItems: r.bodyItems ?? 0,
      }));
    case 'leadCount':
      return sandbox.state.leads.size;
    case 'namesWithPrefix': {
      // Counted by name so that duplicates show: name → how many leads carry it.
      const prefix = call.arg as string;
      const counts: Record<string, number> = {};
      for (const lead of sandbox.state.leads.values()) {
        if (lead.name.startsWith(prefix)) counts[lead.name] = (counts[lead.name] ?? 0) + 1;
      }
      return counts;
    }
    case 'close':
      setImmediate(() => {
        void sandbox.close().then(() => process.exit(0));
      });
      return null;
  }
}

process.on('message', (message: RemoteCall) => {
  let reply: RemoteReply;
  try {
    reply = { id: message.id, ok: true, value: handle(message) };
  } catch (error) {
    reply = { id: message.id, ok: false, value: String(error) };
  }
  process.send?.(reply);
});
// The parent went away: do not linger.
process.on('disconnect', () => {
  void sandbox.close().then(() => process.exit(0));
});
process.send?.({ id: 0, ok: true, value: { url: sandbox.url, accessToken: sandbox.accessToken } });
