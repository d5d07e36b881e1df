/**
 * The sandbox's Salesbot: bots whose first step is a `widget_request`, their runs, and the
 * deliveries — a JSON POST `{ token, data, return_url }` with the token signed HS512 with the
 * integration's secret key, as Kommo signs it — then the wait for the continue.
 *
 * @module
 */

import { signJwt } from '../../webhooks/jwt.js';

/** A bot of the sandbox. */
export interface SandboxBotInit {
  /** @defaultValue `'Bot <id>'` */
  name?: string;
  /** @defaultValue `'salesbot'` */
  type?: 'salesbot' | 'marketingbot';
  /**
   * The bot's `widget_request` step: where it POSTs, and the step's `data`. Without it a run
   * finishes at once.
   */
  widgetRequest?: { url: string; data?: Record<string, unknown> };
}

/** One run of a bot on an entity. */
export interface SandboxBotRun {
  /** The run's `continue_id` (what the `return_url` names). */
  continueId: number;
  botId: number;
  botType: 'salesbot' | 'marketingbot';
  entityType: 'leads' | 'contacts';
  entityId: number;
  /** `waiting` for its continue, `continued`, `finished` (no widget step) or `failed` (the delivery). */
  status: 'waiting' | 'continued' | 'finished' | 'failed';
  /** The `widget_request` delivery. */
  delivery?: {
    url: string;
    /** The receiver's status, `0` for a network error or no answer within 2 s. */
    status: number;
    error?: string;
    /** Order of events in the sandbox: when the receiver's answer arrived. */
    answeredSeq?: number;
  };
  /** What the continue carried, and when (in the same order as `answeredSeq`). */
  continued?: { data: unknown; execute_handlers: unknown[]; seq: number };
}

/** The sandbox's Salesbot, for tests: add bots, read runs. */
export interface SandboxSalesbot {
  /** Adds a bot; `kommo.salesbot.run` (or {@link SandboxSalesbot.start}) runs it. */
  addBot(bot?: SandboxBotInit): { id: number };
  /** Starts a bot on an entity, as a trigger in the account would (a client wrote). */
  start(botId: number, entity: { type: 'leads' | 'contacts'; id: number }): SandboxBotRun;
  /** Every run, oldest first. */
  readonly runs: readonly SandboxBotRun[];
  /** Resolves when every `widget_request` delivery has been answered (or has failed). */
  flush(): Promise<void>;
}

interface Bot extends Required<Pick<SandboxBotInit, 'name' | 'type'>> {
  id: number;
  widgetRequest: SandboxBotInit['widgetRequest'];
}

/** How long Kommo waits for a `widget_request` answer. */
const DELIVERY_TIMEOUT_MS = 2000;

/** @internal */
export class SalesbotModel implements SandboxSalesbot {
  readonly #bots = new Map<number, Bot>();
  readonly runs: SandboxBotRun[] = [];
  readonly #pending = new Set<Promise<void>>();
  #nextBot = 5521;
  #nextContinue = 8811;
  #seq = 0;

  constructor(
    private readonly env: {
      /** The integration's secret key, the account and the sandbox URL, read when needed. */
      secret: () => string;
      clientId: () => string;
      account: () => { id: number; subdomain: string; domain: string };
      url: () => string;
    },
  ) {}

  /** The next number of the sandbox's event order. */
  tick(): number {
    return ++this.#seq;
  }

  addBot(init: SandboxBotInit = {}): { id: number } {
    const id = this.#nextBot;
    this.#nextBot += 7;
    this.#bots.set(id, {
      id,
      name: init.name ?? `Bot ${String(id)}`,
      type: init.type ?? 'salesbot',
      widgetRequest: init.widgetRequest,
    });
    return { id };
  }

  bot(id: number): Bot | undefined {
    return this.#bots.get(id);
  }

  start(botId: number, entity: { type: 'leads' | 'contacts'; id: number }): SandboxBotRun {
    const bot = this.#bots.get(botId);
    if (!bot) throw new Error(`No bot ${String(botId)} in the sandbox`);
    this.#nextContinue += 3;
    const run: SandboxBotRun = {
      continueId: this.#nextContinue,
      botId,
      botType: bot.type,
      entityType: entity.type,
      entityId: entity.id,
      status: bot.widgetRequest ? 'waiting' : 'finished',
    };
    this.runs.push(run);
    if (bot.widgetRequest) this.#track(this.#deliver(run, bot.widgetRequest));
    return run;
  }

  /** The run waiting on this continue id, if any. */
  waiting(botType: string, botId: number, continueId: string): SandboxBotRun | undefined {
    return this.runs.find(
      (r) =>
        r.status === 'waiting' &&
        r.botType === botType &&
        r.botId === botId &&
        String(r.continueId) === continueId,
    );
  }

  #track(task: Promise<void>): void {
    this.#pending.add(task);
    void task.finally(() => this.#pending.delete(task));
  }

  async #deliver(
    run: SandboxBotRun,
    step: NonNullable<SandboxBotInit['widgetRequest']>,
  ): Promise<void> {
    const account = this.env.account();
    const now = Math.floor(Date.now() / 1000);
    const token = await signJwt(
      {
        iss: `https://${account.domain}`,
        aud: new URL(step.url).origin,
        iat: now,
        nbf: now,
        exp: now + 600,
        account_id: account.id,
        subdomain: account.subdomain,
        client_uuid: this.env.clientId(),
        bot_type: run.botType,
        // Kommo's codes in the token: 1 a contact, 2 a lead (the official PHP SDK's reading).
        entity_type: run.entityType === 'leads' ? 2 : 1,
        entity_id: run.entityId,
      },
      this.env.secret(),
      'HS512',
    );
    const body = JSON.stringify({
      token,
      data: step.data ?? {},
      return_url: `${this.env.url()}/api/v4/${run.botType}/${String(run.botId)}/continue/${String(run.continueId)}`,
    });
    run.delivery = { url: step.url, status: 0 };
    try {
      const response = await fetch(step.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      run.delivery.answeredSeq = this.tick();
      run.delivery.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (response.status !== 200 && run.status === 'waiting') run.status = 'failed';
    } catch (error) {
      run.delivery.error = error instanceof Error ? error.message : String(error);
      if (run.status === 'waiting') run.status = 'failed';
    }
  }

  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Forgets bots and runs (`sandbox.reset()`). */
  clear(): void {
    this.#bots.clear();
    this.runs.length = 0;
  }
}
