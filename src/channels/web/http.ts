// What every route of the web channel shares: the router's types, bounded bodies read as results,
// the security headers, escaping, and the few ways a reply leaves (JSON, a page, a line of text).
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type Router from 'find-my-way';
import helmet, { type HelmetOptions } from 'helmet';
import { LANGS, type Lang } from '../../ports/lang.ts';

export const MAX_BODY_BYTES = 16 * 1024;

export type Routes = Router.Instance<Router.HTTPVersion.V1>;
/** A request as a route sees it: the node objects, the path's parameters and the parsed URL. */
export interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string | undefined>;
  url: URL;
}

/** Registers `handle` for a method and path; what it throws is the server's to log (500). */
export function route(r: Routes, method: 'GET' | 'POST', path: string, handle: (q: Request) => Promise<void> | void): void {
  r.on(method === 'GET' ? ['GET', 'HEAD'] : method, path, (req, res, params) => handle({ req, res, params, url: new URL(req.url ?? '/', 'http://local') }));
}

/**
 * The page loads nothing from elsewhere and cannot be framed. `same-origin`, not `no-referrer`: with
 * no-referrer browsers send "Origin: null" on our own form posts. HSTS is left to the TLS terminator,
 * which knows whether every name under the host speaks https.
 */
const SECURITY: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'same-origin' },
  frameguard: { action: 'deny' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  strictTransportSecurity: false,
};

/**
 * Helmet's headers for that policy, computed once: they are the same for every response (no nonces),
 * and Helmet run per request cost about 100 µs of CPU a request (docs/architecture.md, "Libraries, and why").
 */
function securityHeaders(): Record<string, string> {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  helmet(SECURITY)(res.req, res, () => {});
  return Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k, String(v)]));
}
const HEADERS = securityHeaders();

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...HEADERS, ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  send(res, status, 'text/html; charset=utf-8', html, headers);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, 'text/plain; charset=utf-8', text.endsWith('\n') ? text : `${text}\n`);
}

/** An expected refusal (bad input, a limit, a cross-site post): a status and a line for the client. */
export interface Refusal {
  ok: false;
  status: number;
  error: string;
}
export type Body<T> = { ok: true; value: T } | Refusal;

/** Sends a refusal; a body too large also closes the connection once the rest is drained. */
export function refuse(q: Request, r: Omit<Refusal, 'ok'>): void {
  if (q.res.headersSent) return;
  sendJson(q.res, r.status, { error: r.error }, r.status === 413 ? { connection: 'close' } : {});
  if (r.status === 413) drainThenClose(q.req);
}

const tooLarge = (limit: number): Refusal => ({ ok: false, status: 413, error: `the body is larger than ${limit} bytes` });

/**
 * Reads a body of at most `limit` bytes; a larger one is refused (413) before it is all read. The
 * request is left open (not destroyed, as leaving a for-await loop would), so the rest can be
 * drained and the client reads the 413 rather than a reset connection.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Body<string>> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, value: Buffer.concat(chunks).toString('utf8') });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}

/** The JSON API takes JSON only: a form or text post from another site is refused before it is read. */
export async function readJson(req: IncomingMessage): Promise<Body<unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return { ok: false, status: 415, error: 'send application/json' };
  const text = await readBody(req);
  if (!text.ok) return text;
  try {
    return { ok: true, value: JSON.parse(text.value) as unknown };
  } catch {
    return { ok: false, status: 400, error: 'the body is not JSON' };
  }
}

export function langOf(url: URL): Lang {
  const l = url.searchParams.get('lang');
  return (LANGS as readonly (string | null)[]).includes(l) ? (l as Lang) : 'en';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What is read and dropped of a refused body before the connection closes, at most. */
const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
const DRAIN_MAX_MS = 5000;

/**
 * Reads and drops what is left of a refused body (up to a cap), so the client reads the 413 instead
 * of a connection reset while it is still sending; the connection closes after it.
 */
export function drainThenClose(req: IncomingMessage): void {
  let drained = 0;
  const stop = () => {
    clearTimeout(timer);
    req.destroy();
  };
  const timer = setTimeout(stop, DRAIN_MAX_MS).unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) stop();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('error', stop);
  req.resume();
}
