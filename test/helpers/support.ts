import { Kommo } from '../../src/index.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

/** A sandbox without rate limit and a client without pacing or retry waits. */
export async function sandboxClient(
  options: SandboxOptions = {},
  hooks?: ConstructorParameters<typeof Kommo>[0]['hooks'],
): Promise<{ sandbox: Sandbox; kommo: Kommo }> {
  const sandbox = await startSandbox({ rateLimit: false, ...options });
  return { sandbox, kommo: clientFor(sandbox, hooks) };
}

/** Another client of the same sandbox (a "restarted process"). */
export function clientFor(
  sandbox: Sandbox,
  hooks?: ConstructorParameters<typeof Kommo>[0]['hooks'],
): Kommo {
  return new Kommo({
    baseUrl: sandbox.url,
    accessToken: sandbox.accessToken,
    rateLimit: false,
    retry: { baseDelayMs: 0, maxDelayMs: 0, sleep: async () => {} },
    ...(hooks ? { hooks } : {}),
  });
}
