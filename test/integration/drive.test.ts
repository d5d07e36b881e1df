import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  UploadInterruptedError,
  cf,
  fileFieldValue,
  type UploadProgress,
  type UploadResumePoint,
} from '../../src/index.js';
import { useSandbox } from '../support/sandbox.js';

const { sandbox, client } = useSandbox();

const MiB = 1024 * 1024;
/** The sandbox's default `max_part_size` (Kommo's documented example). */
const PART = 524_288;

/** `size` bytes of a pattern, so a misplaced part changes the content. */
function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
  return bytes;
}

/** Byte equality without a deep-equal walk over millions of elements. */
function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/** A Node stream of `bytes` in chunks of an awkward size (not a divisor of the part size). */
function nodeStream(bytes: Uint8Array, chunk = 100_003): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.byteLength; at += chunk) yield bytes.subarray(at, at + chunk);
    })(),
  );
}

/** The same as a Web `ReadableStream`. */
function webStream(bytes: Uint8Array, chunk = 65_537): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

describe('kommo.files against the sandbox', () => {
  it.each([
    ['a Node stream', nodeStream],
    ['a Web stream', webStream],
  ] as const)(
    'uploads 5 MiB from %s in parts of max_part_size with progress events',
    async (_, stream) => {
      const bytes = pattern(5 * MiB);
      const progress: UploadProgress[] = [];
      const kommo = client();
      const file = await kommo.files.upload(
        stream(bytes),
        { file_name: 'catalog.bin', file_size: bytes.byteLength },
        { onProgress: (p) => progress.push(p) },
      );
      expect(file.size).toBe(5 * MiB);
      expect(progress).toHaveLength(10);
      expect(progress.map((p) => p.uploadedBytes)).toEqual(
        Array.from({ length: 10 }, (_v, i) => (i + 1) * PART),
      );
      // Every part went to the drive surface, each no larger than max_part_size.
      const parts = sandbox()
        .requests.filter((r) => r.path.startsWith('/drive/v1.0/sessions/upload/'))
        .map((r) => r.method);
      expect(parts).toHaveLength(10);
      expect(sameBytes(sandbox().drive.content(file.uuid), bytes)).toBe(true);
    },
  );

  it('resumes an interrupted upload from its next_url and attaches it to a lead and a file field', async () => {
    const kommo = client();
    const bytes = pattern(5 * MiB);
    const stop = new AbortController();
    let resume: UploadResumePoint | undefined;
    try {
      await kommo.files.upload(
        nodeStream(bytes),
        { file_name: 'contract.pdf', file_size: bytes.byteLength, content_type: 'application/pdf' },
        {
          signal: stop.signal,
          onProgress: (p) => {
            if (p.part === 3) stop.abort();
          },
        },
      );
      expect.unreachable('the upload was aborted');
    } catch (error) {
      expect(error).toBeInstanceOf(UploadInterruptedError);
      resume = (error as UploadInterruptedError).resume;
    }
    expect(resume).toMatchObject({ uploadedBytes: 3 * PART, partSize: PART, fileSize: 5 * MiB });
    const before = sandbox().requests.length;
    const seen: number[] = [];
    const file = await kommo.files.upload(
      nodeStream(bytes),
      { file_name: 'contract.pdf', file_size: bytes.byteLength, content_type: 'application/pdf' },
      { resume, onProgress: (p) => seen.push(p.part) },
    );
    expect(seen).toEqual([4, 5, 6, 7, 8, 9, 10]);
    // No new session: the seven remaining parts only.
    const after = sandbox().requests.slice(before);
    expect(after.filter((r) => r.path === '/drive/v1.0/sessions')).toHaveLength(0);
    expect(sameBytes(sandbox().drive.content(file.uuid), bytes)).toBe(true);

    const lead = await kommo.leads.create({ name: 'Shelving for Lisbon' });
    await kommo.files.attachments.attach('leads', lead.id, file.uuid);
    const field = await kommo.customFields.create('leads', { name: 'Contract', type: 'file' });
    await kommo.leads.update(lead.id, {
      custom_fields_values: [cf.file(field.id, fileFieldValue(file))],
    });
    const listed = await kommo.files.attachments.list('leads', lead.id).toArray({ max: 10 });
    expect(listed.map((f) => f.file_uuid)).toEqual([file.uuid]);
    const read = await kommo.leads.get(lead.id);
    expect(read.custom_fields_values?.[0]?.values?.[0]?.value).toMatchObject({
      file_uuid: file.uuid,
      file_name: 'contract.pdf',
      file_size: 5 * MiB,
    });
    const links = await kommo.files.links(file.uuid);
    expect(links.entities?.map((e) => e.id)).toEqual([lead.id]);
  });

  it('lists, renames, versions, trashes and restores through the drive host', async () => {
    const kommo = client();
    const file = await kommo.files.upload('v1', { file_name: 'notes.txt' });
    const v2 = await kommo.files.upload('version 2', {
      file_name: 'notes.txt',
      file_uuid: file.uuid,
    });
    expect(v2.uuid).toBe(file.uuid);
    const versions = await kommo.files.versions(file.uuid);
    expect(versions.map((v) => v.is_main)).toEqual([true, false]);
    await kommo.files.update(file.uuid, { name: 'renamed.txt' });
    expect((await kommo.files.get(file.uuid)).name).toBe('renamed.txt');
    await kommo.files.delete(file.uuid);
    expect(await kommo.files.list().toArray({ max: 10 })).toEqual([]);
    expect(
      (await kommo.files.list({ filter: { deleted: true } }).toArray({ max: 10 })).map(
        (f) => f.uuid,
      ),
    ).toEqual([file.uuid]);
    await kommo.files.restore(file.uuid);
    expect((await kommo.files.list().toArray({ max: 10 })).map((f) => f.name)).toEqual([
      'renamed.txt',
    ]);
  });

  it('refuses a part larger than max_part_size in the sandbox', async () => {
    const { url, accessToken } = sandbox();
    const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const opened = await fetch(`${url}/drive/v1.0/sessions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ file_name: 'a.bin', file_size: PART * 2 }),
    });
    const session = (await opened.json()) as { upload_url: string };
    const part = await fetch(session.upload_url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(PART + 1),
    });
    expect(part.status).toBe(400);
  });
});
