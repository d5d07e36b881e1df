'use client';
/**
 * `CRMSync`: the original app's component. A chat box whose conversation becomes a lead (the
 * contact found or created by phone or e-mail, the messages as notes), the recent leads with
 * their stages, and a live sync status that re-reads the leads when a webhook arrives.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useKommo, useSyncStatus } from '../../hooks/useKommo';
import type { CreatedLead, RecentLead } from '../../lib/kommo-route';

interface Message {
  from: string;
  text: string;
  at: number;
}

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB');
}

/** Props of {@link CRMSync}. */
export interface CRMSyncProps {
  /** How often the sync status is polled, in ms. @defaultValue 1000 */
  pollMs?: number;
}

export function CRMSync({ pollMs = 1000 }: CRMSyncProps) {
  const { createLead, recentLeads, loading, error } = useKommo();
  const { status, error: statusError } = useSyncStatus(pollMs);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [draft, setDraft] = useState('');
  const [messages, setMessages] = useState<Message[]>([]);
  const [created, setCreated] = useState<CreatedLead | undefined>();
  const [leads, setLeads] = useState<RecentLead[]>([]);
  const [leadsError, setLeadsError] = useState<string | undefined>();

  const reload = useCallback(async () => {
    try {
      setLeads(await recentLeads(8));
      setLeadsError(undefined);
    } catch (e) {
      setLeadsError(e instanceof Error ? e.message : String(e));
    }
  }, [recentLeads]);

  // Re-read the leads on load and whenever a webhook was counted: the event says "something
  // changed", the API says what (webhook data is not signed, the API is the truth).
  const received = status?.webhooks.received;
  useEffect(() => {
    void reload();
  }, [reload, received]);

  const send = (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setMessages((m) => [...m, { from: name.trim() || 'Customer', text, at: Date.now() }]);
    setDraft('');
  };

  const convert = async () => {
    const conversation = draft.trim()
      ? [...messages, { from: name.trim() || 'Customer', text: draft.trim(), at: Date.now() }]
      : messages;
    const result = await createLead({
      contact: {
        name: name.trim(),
        ...(phone.trim() ? { phone: phone.trim() } : {}),
        ...(email.trim() ? { email: email.trim() } : {}),
      },
      ...(conversation[0] ? { name: `Chat: ${conversation[0].text.slice(0, 60)}` } : {}),
      messages: conversation.map((m) => ({
        from: m.from,
        text: m.text,
        at: Math.floor(m.at / 1000),
      })),
    });
    if (result) {
      setCreated(result);
      setMessages([]);
      setDraft('');
      await reload();
    }
  };

  return (
    <div className="crm">
      <section className="card" aria-labelledby="chat-title">
        <h2 id="chat-title">New conversation</h2>
        <div className="contact">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          </label>
          <label>
            Phone
            <input value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" />
          </label>
          <label>
            E-mail
            <input value={email} onChange={(e) => setEmail(e.target.value)} type="email" />
          </label>
        </div>
        <ol className="chat" aria-label="Conversation">
          {messages.map((m, i) => (
            <li key={i} className="bubble">
              <span className="from">{m.from}</span> {m.text}
              <time>{time(m.at)}</time>
            </li>
          ))}
          {messages.length === 0 && <li className="empty">No messages yet</li>}
        </ol>
        <form onSubmit={send} className="composer">
          <label className="sr-only" htmlFor="message">
            Message
          </label>
          <input
            id="message"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="Type the customer's message and press Enter"
          />
          <button type="submit">Send</button>
        </form>
        <button
          type="button"
          className="primary"
          disabled={loading || !name.trim() || (messages.length === 0 && !draft.trim())}
          onClick={() => void convert()}
        >
          {loading ? 'Creating…' : 'Create lead'}
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {created && !error && (
          <p role="status" className="ok" data-testid="created">
            Lead #{created.leadId} created for {created.contactCreated ? 'a new' : 'an existing'}{' '}
            contact #{created.contactId}, {created.noteIds.length} note(s)
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="leads-title">
        <h2 id="leads-title">Recent leads</h2>
        {leadsError && (
          <p role="alert" className="error">
            {leadsError}
          </p>
        )}
        <ul className="leads">
          {leads.map((lead) => (
            <li key={lead.id} data-testid="lead" data-lead-id={lead.id}>
              <span className="lead-name">
                #{lead.id} {lead.name}
              </span>
              <span
                className="stage"
                data-testid="stage"
                style={lead.color ? { background: lead.color } : undefined}
              >
                {lead.stage}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <section className="card status" aria-labelledby="sync-title" data-testid="sync-status">
        <h2 id="sync-title">Sync status</h2>
        {statusError && (
          <p role="alert" className="error">
            {statusError}
          </p>
        )}
        {status ? (
          <dl>
            <dt>Connected to</dt>
            <dd>
              {status.target} ({status.mode})
            </dd>
            <dt>Webhooks received</dt>
            <dd data-testid="webhooks-received">{status.webhooks.received}</dd>
            <dt>Last webhook</dt>
            <dd>
              {status.webhooks.last
                ? `${status.webhooks.last.type}${status.webhooks.last.entityId !== undefined ? ` #${status.webhooks.last.entityId}` : ''} at ${time(status.webhooks.last.at)}`
                : 'none yet'}
            </dd>
            <dt>Webhook errors</dt>
            <dd data-testid="webhook-errors">
              {status.errors.count}
              {status.errors.last
                ? ` (last: ${status.errors.last.phase}: ${status.errors.last.message})`
                : ''}
            </dd>
            <dt>API requests</dt>
            <dd>
              {status.api.requests} ({status.api.failed} failed, {status.api.retries} retried)
            </dd>
            <dt>Leads from chats</dt>
            <dd>{status.api.leadsCreated}</dd>
          </dl>
        ) : (
          <p>Checking…</p>
        )}
      </section>
    </div>
  );
}
