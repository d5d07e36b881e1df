import { Readable } from 'node:stream';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  RequestValidationError,
  ResponseValidationError,
  UploadInterruptedError,
  fileFieldValue,
  type UploadProgress,
  type UploadResumePoint,
} from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const DRIVE = 'https://drive-c.kommo.com';
const TOKEN = 'test-token-0123456789';
const FILE = fixture('drive_file.json');
const SESSION = fixture('drive_session.json');
const UPLOAD_PATH = new URL(SESSION.upload_url).pathname;
const NEXT_PATH = new URL(fixture('drive_upload_part.json').next_url).pathname;

/** The account answers `drive_url` once. */
function account(driveUrl: unknown = DRIVE): void {
  nock(HOST)
    .get('/api/v4/account')
    .query({ with: 'drive_url' })
    .reply(200, { id: 31204999, drive_url: driveUrl });
}

/** A session of `partSize`, then a `next_url` per part but the last, then the file. */
function session(partSize: number, parts: number, body?: nock.RequestBodyMatcher): string[] {
  const seen: string[] = [];
  nock(DRIVE)
    .post('/v1.0/sessions', body)
    .reply(200, { ...SESSION, max_part_size: partSize });
  for (let i = 1; i <= parts; i++) {
    const path = i === 1 ? UPLOAD_PATH : `/v1.0/sessions/upload/part-${String(i)}`;
    nock(DRIVE, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .post(path)
      .reply(200, function (_uri, requestBody) {
        seen.push(requestBody as string);
        return i === parts
          ? FILE
          : {
              session_id: SESSION.session_id,
              next_url: `${DRIVE}/v1.0/sessions/upload/part-${String(i + 1)}`,
            };
      });
  }
  return seen;
}

describe('files: the drive host', () => {
  it('reads drive_url once and sends the token to that Drive host', async () => {
    account();
    nock(DRIVE, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`/v1.0/files/${FILE.uuid as string}`)
      .twice()
      .reply(200, FILE);
    const kommo = testClient();
    expect((await kommo.files.get(FILE.uuid)).name).toBe('Contract 2026.pdf');
    expect((await kommo.files.get(FILE.uuid)).version_uuid).toBe(FILE.version_uuid);
    expect(await kommo.files.driveUrl()).toBe(DRIVE);
  });

  it.each([
    ['another host', 'https://evil.example.com'],
    ['a look-alike suffix', 'https://drive-c.kommo.com.evil.io'],
    ['plain http', 'http://drive-c.kommo.com'],
    ['credentials', 'https://user:pw@drive-c.kommo.com'],
    ['a port', 'https://drive-c.kommo.com:8443'],
    ['a Kommo host that is no drive', 'https://www.kommo.com'],
    ['a path', 'https://drive-c.kommo.com/steal'],
    ['no drive at all', null],
  ])('refuses a drive_url with %s and sends nothing there', async (_, driveUrl) => {
    account(driveUrl);
    // An interceptor on the bad host would catch the token; it must stay unused.
    const trap = nock('https://evil.example.com').get(/.*/).reply(200, FILE);
    const kommo = testClient();
    await expect(kommo.files.get(FILE.uuid)).rejects.toBeInstanceOf(ResponseValidationError);
    expect(trap.isDone()).toBe(false);
    nock.cleanAll();
  });

  it('asks the account again after a failed look-up', async () => {
    nock(HOST).get('/api/v4/account').query({ with: 'drive_url' }).reply(200, {});
    account();
    nock(DRIVE)
      .get(`/v1.0/files/${FILE.uuid as string}`)
      .reply(200, FILE);
    const kommo = testClient();
    await expect(kommo.files.get(FILE.uuid)).rejects.toBeInstanceOf(ResponseValidationError);
    expect((await kommo.files.get(FILE.uuid)).uuid).toBe(FILE.uuid);
  });
});

describe('files: Drive requests', () => {
  it('lists files with filters in Drive wire form and follows pages', async () => {
    account();
    const list = fixture('drive_files_list.json');
    nock(DRIVE)
      .get('/v1.0/files')
      .query({
        'filter[uuid]': `${list._embedded.files[0].uuid as string},${list._embedded.files[1].uuid as string}`,
        'filter[deleted]': '1',
        'filter[extensions][]': 'pdf',
        page: '1',
        limit: '2',
      })
      .reply(200, list);
    nock(DRIVE)
      .get('/v1.0/files')
      .query(true)
      .reply(200, { _count: 0, _embedded: { files: [] } });
    const kommo = testClient();
    const seen: string[] = [];
    for await (const file of kommo.files.list({
      limit: 2,
      filter: {
        uuid: list._embedded.files.map((f: { uuid: string }) => f.uuid),
        deleted: true,
        extensions: ['pdf'],
      },
    }))
      seen.push(`${String(file.name)}:${String(file.size)}`);
    expect(seen).toEqual(['Contract 2026.pdf:1153433', 'shelf.jpg:204811']);
  });

  it('renames, trashes, restores and lists versions with Drive bodies', async () => {
    account();
    nock(DRIVE)
      .patch(`/v1.0/files/${FILE.uuid as string}`, { name: 'Signed.pdf' })
      .reply(200, { ...FILE, name: 'Signed.pdf' })
      .delete('/v1.0/files', [{ uuid: FILE.uuid }])
      .reply(204)
      .post('/v1.0/files/restore', [{ uuid: FILE.uuid }])
      .reply(200, { _count: 1, _embedded: { files: [FILE] } })
      .get(`/v1.0/files/${FILE.uuid as string}/versions`)
      .reply(200, fixture('drive_file_versions.json'));
    const kommo = testClient();
    expect((await kommo.files.update(FILE.uuid, { name: 'Signed.pdf' })).name).toBe('Signed.pdf');
    await kommo.files.delete(FILE.uuid);
    expect((await kommo.files.restore([FILE.uuid])).map((f) => f.uuid)).toEqual([FILE.uuid]);
    const versions = await kommo.files.versions(FILE.uuid);
    expect(versions.map((v) => v.is_main)).toEqual([true, false]);
  });

  it('refuses a rename with a version, and a uuid that would change the path, before sending', async () => {
    const kommo = testClient();
    await expect(
      kommo.files.update(FILE.uuid, { name: 'a', version_uuid: FILE.version_uuid }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(kommo.files.get('../../api/v4/leads')).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });

  it('reads where a file is used from the account host', async () => {
    nock(HOST)
      .get(`/api/v4/files/${FILE.uuid as string}/links`)
      .reply(200, fixture('file_links.json'));
    const links = await testClient().files.links(FILE.uuid);
    expect(links.entities?.[0]).toMatchObject({ id: 24183307, entity_type: 'leads' });
  });

  it('gives the file custom field value of a Drive file', () => {
    expect(fileFieldValue(FILE)).toEqual({
      file_uuid: FILE.uuid,
      version_uuid: FILE.version_uuid,
      file_name: 'Contract 2026.pdf',
      file_size: 1153433,
    });
  });
});

describe('files.attachments', () => {
  it('lists an entity’s files page by page with before_id, and attaches and detaches', async () => {
    const page = fixture('entity_files_list.json');
    nock(HOST)
      .get('/api/v4/leads/24183307/files')
      .query({ limit: '2' })
      .reply(200, page)
      .get('/api/v4/leads/24183307/files')
      .query({ limit: '2', before_id: '1187' })
      .reply(204)
      .put('/api/v4/leads/24183307/files', [{ file_uuid: FILE.uuid }])
      .reply(202)
      .delete('/api/v4/leads/24183307/files', [{ file_uuid: FILE.uuid }])
      .reply(202);
    const kommo = testClient();
    const ids: number[] = [];
    for await (const file of kommo.files.attachments.list('leads', 24183307, { limit: 2 }))
      ids.push(file.id);
    expect(ids).toEqual([1203, 1187]);
    await kommo.files.attachments.attach('leads', 24183307, FILE.uuid);
    await kommo.files.attachments.detach('leads', 24183307, [FILE.uuid]);
  });

  it('refuses an entity type without files before sending', async () => {
    await expect(
      testClient().files.attachments.attach('tasks' as never, 1, FILE.uuid),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});

describe('files.upload', () => {
  it('opens a session and sends the parts in order with the file type, reporting progress', async () => {
    account();
    const seen = session(4, 3, {
      file_name: 'notes.txt',
      file_size: 10,
      content_type: 'text/plain',
    });
    const progress: UploadProgress[] = [];
    const file = await testClient().files.upload(
      'abcdefghij',
      { file_name: 'notes.txt', content_type: 'text/plain' },
      { onProgress: (p) => progress.push(p) },
    );
    expect(file.uuid).toBe(FILE.uuid);
    expect(seen).toEqual(['abcd', 'efgh', 'ij']);
    expect(progress.map((p) => [p.uploadedBytes, p.part, p.parts])).toEqual([
      [4, 1, 3],
      [8, 2, 3],
      [10, 3, 3],
    ]);
  });

  it('reads a Node stream and a Web stream of uneven chunks into parts of max_part_size', async () => {
    const chunks = ['a', 'bcdefg', 'hi', 'j'];
    for (const source of [
      Readable.from(chunks.map((c) => Buffer.from(c))),
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
          controller.close();
        },
      }),
    ]) {
      account();
      const seen = session(4, 3);
      await testClient().files.upload(source, { file_name: 'x.bin', file_size: 10 });
      expect(seen).toEqual(['abcd', 'efgh', 'ij']);
    }
  });

  it('throws UploadInterruptedError with where to resume, and resumes from that next_url', async () => {
    account();
    nock(DRIVE)
      .post('/v1.0/sessions')
      .reply(200, { ...SESSION, max_part_size: 4 });
    nock(DRIVE)
      .post(UPLOAD_PATH)
      .reply(200, { session_id: SESSION.session_id, next_url: `${DRIVE}${NEXT_PATH}` });
    nock(DRIVE).post(NEXT_PATH).reply(500, { title: 'Internal Server Error' });
    const kommo = testClient({ maxRetries: 0 });
    const error: unknown = await kommo.files
      .upload('abcdefghij', { file_name: 'n.txt' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadInterruptedError);
    const resume: UploadResumePoint = (error as UploadInterruptedError).resume;
    expect(resume).toEqual({
      sessionId: SESSION.session_id,
      nextUrl: `${DRIVE}${NEXT_PATH}`,
      uploadedBytes: 4,
      partSize: 4,
      fileSize: 10,
    });
    // The resume point is plain JSON: it survives a restart.
    const saved = JSON.parse(JSON.stringify(resume)) as UploadResumePoint;
    const sent: string[] = [];
    nock(DRIVE)
      .post(NEXT_PATH)
      .reply(200, (_uri, body) => {
        sent.push(body as string);
        return { session_id: SESSION.session_id, next_url: `${DRIVE}/v1.0/sessions/upload/3` };
      })
      .post('/v1.0/sessions/upload/3')
      .reply(200, (_uri, body) => {
        sent.push(body as string);
        return FILE;
      });
    const file = await kommo.files.upload('abcdefghij', { file_name: 'n.txt' }, { resume: saved });
    expect(file.uuid).toBe(FILE.uuid);
    expect(sent).toEqual(['efgh', 'ij']);
  });

  it.each([
    ['an upload_url on another host', { upload_url: 'https://evil.example.com/steal' }],
    [
      'an upload_url outside Drive paths',
      { upload_url: 'https://drive-c.kommo.com@evil.example.com/x' },
    ],
  ])('never follows %s: no part, no token leaves', async (_, patch) => {
    account();
    nock(DRIVE)
      .post('/v1.0/sessions')
      .reply(200, { ...SESSION, ...patch });
    const trap = nock('https://evil.example.com').post(/.*/).reply(200, FILE);
    await expect(testClient().files.upload('abc', { file_name: 'a.txt' })).rejects.toBeInstanceOf(
      ResponseValidationError,
    );
    expect(trap.isDone()).toBe(false);
    nock.cleanAll();
  });

  it('stops at a next_url off the drive host before reading the next part', async () => {
    account();
    nock(DRIVE)
      .post('/v1.0/sessions')
      .reply(200, { ...SESSION, max_part_size: 2 });
    nock(DRIVE)
      .post(UPLOAD_PATH)
      .reply(200, { session_id: 1, next_url: 'https://evil.example.com/v1.0/sessions/upload/2' });
    const trap = nock('https://evil.example.com').post(/.*/).reply(200, FILE);
    let read = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (const c of ['ab', 'cd']) {
        read++;
        yield new TextEncoder().encode(c);
      }
    }
    await expect(
      testClient().files.upload(source(), { file_name: 'a', file_size: 4 }),
    ).rejects.toBeInstanceOf(ResponseValidationError);
    expect(trap.isDone()).toBe(false);
    expect(read).toBe(1);
    nock.cleanAll();
  });

  it('refuses a stream without file_size, and a size that disagrees, before opening a session', async () => {
    const kommo = testClient();
    await expect(
      kommo.files.upload(Readable.from([Buffer.from('abc')]), { file_name: 'a' }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(
      kommo.files.upload('abc', { file_name: 'a', file_size: 4 }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(kommo.files.upload('abc', {})).rejects.toBeInstanceOf(RequestValidationError);
  });

  it('does not complete a file from a stream longer than file_size', async () => {
    account();
    nock(DRIVE)
      .post('/v1.0/sessions')
      .reply(200, { ...SESSION, max_part_size: 4 });
    nock(DRIVE)
      .post(UPLOAD_PATH)
      .reply(200, { session_id: 1, next_url: `${DRIVE}${NEXT_PATH}` });
    // A huge source: it keeps yielding; the upload must stop, not send a wrong last part.
    let yielded = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        yielded++;
        yield new Uint8Array(3);
      }
    }
    const error = await testClient()
      .files.upload(endless(), { file_name: 'big', file_size: 6 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadInterruptedError);
    expect((error as UploadInterruptedError).cause).toBeInstanceOf(RequestValidationError);
    expect(yielded).toBeLessThan(5);
    nock.cleanAll();
  });

  it('refuses __proto__ and unknown keys in the params, and keeps Object.prototype clean from answers', async () => {
    const kommo = testClient();
    const hostile = JSON.parse('{"file_name":"a","__proto__":{"polluted":true}}') as object;
    await expect(kommo.files.upload('abc', hostile)).rejects.toBeInstanceOf(RequestValidationError);
    account();
    nock(DRIVE)
      .post('/v1.0/sessions')
      .reply(200, { ...SESSION, max_part_size: 8 });
    nock(DRIVE)
      .post(UPLOAD_PATH)
      .reply(200, `{"uuid":"${FILE.uuid as string}","__proto__":{"polluted":true},"name":"a"}`, {
        'content-type': 'application/json',
      });
    const file = await kommo.files.upload('abc', { file_name: 'a' });
    expect(file.uuid).toBe(FILE.uuid);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
