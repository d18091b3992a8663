import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/server.ts';

/** The largest alert body accepted; bigger ones get 413 without being read to the end. */
export const MAX_ALERT_BODY_BYTES = 256 * 1024;

/**
 * Reads a body up to `limit` bytes. Over the limit (by `content-length` or while streaming) it
 * answers 413, stops reading and closes the connection, and returns undefined.
 */
export async function readLimitedBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit = MAX_ALERT_BODY_BYTES,
): Promise<string | undefined> {
  return (await readLimitedBytes(req, res, limit))?.toString('utf8');
}

/** `readLimitedBody`, as the bytes received (what a signature covers). */
export async function readLimitedBytes(
  req: IncomingMessage,
  res: ServerResponse,
  limit = MAX_ALERT_BODY_BYTES,
): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return refuseTooLarge(req, res, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return refuseTooLarge(req, res, limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a body as UTF-8 (what JSON must be), or answers 400 saying it is not. */
export function decodeUtf8(bytes: Uint8Array, res: ServerResponse): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    sendJson(res, 400, {
      error: 'bad_request',
      reason: 'body is not valid UTF-8 (JSON must be sent as UTF-8)',
    });
    return undefined;
  }
}

function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): undefined {
  res.setHeader('connection', 'close');
  res.once('finish', () => req.destroy());
  sendJson(res, 413, { error: 'too_large', reason: `body is over ${limit / 1024} KB` });
  return undefined;
}

/** Parses JSON or answers 400 naming the problem. */
export function parseJson(text: string, res: ServerResponse): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    sendJson(res, 400, {
      error: 'bad_request',
      reason: `body is not JSON (${(error as Error).message})`,
    });
    return undefined;
  }
}

/**
 * Answers 415 (and returns false) when the request declares a body other than JSON. No
 * `content-type` at all is taken as JSON; `application/json` with parameters or a `+json` type is JSON.
 */
export function declaresJson(req: IncomingMessage, res: ServerResponse): boolean {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type === '' || type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type))
    return true;
  sendJson(res, 415, {
    error: 'unsupported_media_type',
    reason: `content-type ${type} is not application/json`,
  });
  return false;
}
