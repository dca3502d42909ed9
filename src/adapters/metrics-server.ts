// /metrics on a listener of its own (METRICS_HOST:METRICS_PORT, loopback by default), optionally
// behind a bearer token: what the helpdesk counts is for the operators, not for the public port.
// The probes (/livez, /readyz, /healthz) answer here too, with their detail.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual, createHash } from 'node:crypto';
import { HelpdeskError } from '../errors.ts';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A probe's answer: its HTTP status and its detail. */
export type ProbeAnswer = { status: number; detail: unknown };

export interface MetricsServerOptions {
  host: string;
  port: number;
  token?: string;
  render: () => Promise<string>;
  contentType?: string;
  /** How to answer the probe at `path` (asked only once the request is allowed), or undefined when `path` is none. */
  probe?: (path: string) => (() => Promise<ProbeAnswer>) | undefined;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const readable = req.method === 'GET' || req.method === 'HEAD';
    const probe = readable && path !== '/metrics' ? options.probe?.(path) : undefined;
    if (!readable || (path !== '/metrics' && !probe)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (options.token) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(given), digest(options.token))) {
        res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' }).end('unauthorized\n');
        return;
      }
    }
    if (probe) {
      probe().then(
        (a) => res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(a.detail)),
        () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('probe failed\n'),
      );
      return;
    }
    options.render().then(
      (body) => res.writeHead(200, { 'content-type': options.contentType ?? 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new HelpdeskError('config.invalid', `METRICS_PORT: cannot listen on ${options.host}:${options.port} (${err.code ?? err.message})`, { cause: err })),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
