// What every route of the web channel shares: the body limit, the security headers, escaping, and the
// few ways a reply leaves (a refusal as JSON, a page, a line of text).
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { isLang, type Lang } from '../../i18n/index.ts';

export const MAX_BODY_BYTES = 16 * 1024;

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
 * and Helmet run per request (@fastify/helmet) cost about 100 µs of CPU a request, as much as all
 * of Fastify (bench/run.ts --web, README).
 */
export function securityHeaders(): Record<string, string> {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  helmet(SECURITY)(res.req, res, () => {});
  return Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k, String(v)]));
}

/** An expected refusal (bad input, a limit, a cross-site post): a status and a line for the client. */
export function refuse(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).send({ error });
}

export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

export function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(text.endsWith('\n') ? text : `${text}\n`);
}

/** The JSON API takes JSON only: a form or text post from another site is refused before it is read. */
export function isJson(req: FastifyRequest): boolean {
  return /^application\/json\b/i.test(req.headers['content-type'] ?? '');
}

/** A query parameter as one string (the last, when repeated). */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function langOf(req: FastifyRequest): Lang {
  const l = queryParam(req, 'lang');
  return isLang(l) ? l : 'en';
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
