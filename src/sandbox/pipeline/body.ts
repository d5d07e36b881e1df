/**
 * What the sandbox refuses before reading a request: odd paths (traversal, NUL, backslashes,
 * `//`) and bodies above `maxBodyBytes` (nginx's 413, as Kommo's front answers).
 *
 * @module
 */

import type { IncomingMessage } from 'node:http';
import { nginxPage, problem } from '../problems.js';
import type { Step } from './exchange.js';
import { writeReply } from './send.js';

class BodyTooLarge extends Error {}

/** Path traversal and odd paths never reach a route: Kommo's 404 problem. */
export const refuseOddPaths: Step = (x, rt) => {
  const { path } = x;
  if (
    !path.includes('\u0000') &&
    !path.includes('\\') &&
    !/(^|\/)\.\.?(\/|$)/.test(path) &&
    !path.includes('//')
  )
    return undefined;
  x.req.resume();
  return problem(404, `Cannot ${x.method} ${rt.url}${encodeURI(path.split('\u0000').join(''))}`);
};

async function readAll(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) throw new BodyTooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Reads the body; above the limit answers nginx's 413 and closes, on a broken socket gives up. */
export const readBody: Step = async (x, rt) => {
  try {
    x.body = await readAll(x.req, rt.maxBodyBytes);
    return undefined;
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      x.res.setHeader('connection', 'close');
      await writeReply(x.res, nginxPage(413), 0);
      x.req.destroy();
    } else x.res.destroy();
    return 'answered';
  }
};
