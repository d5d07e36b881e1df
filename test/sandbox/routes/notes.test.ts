import { describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('notes', () => {
  it('adds notes to a lead and lists them scoped to the lead', async () => {
    const id = sandbox.state.leads.filter(() => true)[0]!.id;
    const res = await call(sandbox, 'POST', `/api/v4/leads/${String(id)}/notes`, [
      { note_type: 'common', params: { text: 'Chat history\nline 2' } },
    ]);
    expect(res.status).toBe(200);
    const noteId = res.body._embedded.notes[0].id;
    const list = await call(sandbox, 'GET', `/api/v4/leads/${String(id)}/notes?order[id]=desc`);
    expect(list.body._embedded.notes[0]).toMatchObject({
      id: noteId,
      entity_id: id,
      note_type: 'common',
      params: { text: 'Chat history\nline 2' },
    });
    const one = await call(sandbox, 'GET', `/api/v4/leads/notes/${String(noteId)}`);
    expect(one.body.id).toBe(noteId);
    const wrongEntity = await call(sandbox, 'GET', `/api/v4/contacts/notes/${String(noteId)}`);
    expect(wrongEntity.status).toBe(204);
  });

  it('answers 400 at params.text when a note text is longer than the limit', async () => {
    const small = await startSandbox({ rateLimit: false, noteTextMaxLength: 10 });
    try {
      const id = small.state.leads.filter(() => true)[0]!.id;
      const res = await call(small, 'POST', '/api/v4/leads/notes', [
        { entity_id: id, note_type: 'common', params: { text: 'x'.repeat(11) } },
      ]);
      expect(res.status).toBe(400);
      expect(res.body['validation-errors'][0].errors).toEqual([
        {
          code: 'TooLong',
          path: 'params.text',
          detail: 'This value is too long. It should have 10 characters or less.',
        },
      ]);
    } finally {
      await small.close();
    }
  });

  it('refuses an unknown note type and a missing entity', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads/notes', [
      { entity_id: 1, note_type: 'telepathy', params: {} },
    ]);
    expect(res.body['validation-errors'][0].errors.map((e: any) => e.path)).toEqual([
      'entity_id',
      'note_type',
    ]);
  });
});
