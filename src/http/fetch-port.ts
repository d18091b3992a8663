import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { HttpPort, HttpResult } from '../sdk/ports/index.ts';

/** Bodies past this many characters are not parsed (a readiness body is small). */
const MAX_BODY_CHARS = 256 * 1024;

const TLS_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed (not trusted)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate chain is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not name this host',
};

function reasonOf(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `timed out after ${timeoutMs} ms`;
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ENOTFOUND') return 'host not found';
  if (e.code && TLS_REASONS[e.code]) return TLS_REASONS[e.code]!;
  if (e.code) return `no answer (${e.code})`;
  return `no answer (${e.message ?? String(error)})`;
}

export interface HttpOptions {
  /** Extra trusted certificates (PEM) for https, besides the system's (a test's self-signed CA). */
  ca?: string[];
}

function certificateOf(response: IncomingMessage): HttpResult['certificate'] {
  const socket = response.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert?.valid_to) return undefined;
  const subject = typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined;
  return { validTo: new Date(cert.valid_to).toISOString(), ...(subject ? { subject } : {}) };
}

async function readBody(response: IncomingMessage): Promise<string | undefined> {
  let text = '';
  for await (const chunk of response) {
    text += chunk;
    if (text.length > MAX_BODY_CHARS) {
      response.destroy();
      return undefined;
    }
  }
  return text;
}

/**
 * The `http` port: one GET with a hard timeout, redirects not followed. An https answer carries the
 * certificate the server presented, so `health` can say how many days it has left.
 */
export function fetchHttp(options: HttpOptions = {}): HttpPort {
  return {
    get(url, { timeoutMs }): Promise<HttpResult> {
      const started = performance.now();
      const ms = () => Math.round(performance.now() - started);
      const signal = AbortSignal.timeout(timeoutMs);
      const https = url.startsWith('https:');
      const send = https ? httpsRequest : httpRequest;
      return new Promise<HttpResult>((resolve) => {
        const fail = (error: unknown) =>
          resolve({ url, status: null, ms: ms(), error: reasonOf(error, timeoutMs) });
        try {
          const req = send(
            url,
            {
              method: 'GET',
              signal,
              headers: { accept: 'application/json, application/health+json' },
              ...(https && options.ca ? { ca: options.ca } : {}),
              agent: false,
            },
            (response) => {
              const certificate = https ? certificateOf(response) : undefined;
              readBody(response).then((text) => {
                const result: HttpResult = { url, status: response.statusCode ?? null, ms: ms() };
                if (certificate) result.certificate = certificate;
                if (text !== undefined && /json/i.test(response.headers['content-type'] ?? ''))
                  try {
                    result.json = JSON.parse(text);
                  } catch {
                    // Not JSON after all: the status still says what we need.
                  }
                resolve(result);
              }, fail);
            },
          );
          req.on('error', fail);
          req.end();
        } catch (error) {
          fail(error);
        }
      });
    },
  };
}
