// The bot's one web port: the support page's chat, the phone clock check, the network check for
// `curl`, the support form, the privacy notice and health — and whatever HTTP routes the other
// channels and integrations bring (Slack's Events API, the centre's activation hook). Fastify
// routes the page's requests (cookies through the `cookie` package, headers from Helmet); the brought routes are matched first and get the request unread,
// because they verify a signature over the raw body.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { ChannelContext } from '../context.ts';
import type { ChannelRoute } from '../contract.ts';
import { errorCode, HelpdeskError } from '../../errors.ts';
import { drainThenClose, MAX_BODY_BYTES, refuse, securityHeaders, sendText } from './http.ts';
import { chatRoute } from './routes/chat.ts';
import { clockRoutes } from './routes/clock.ts';
import { healthRoute, type ChannelStatuses } from './routes/health.ts';
import { networkRoute } from './routes/network.ts';
import { pageRoutes } from './routes/page.ts';
import { pollRoute } from './routes/poll.ts';
import { privacyRoute } from './routes/privacy.ts';
import { supportRoutes } from './routes/support.ts';
import { createWebDeps } from './web-deps.ts';

export { POLLS_HELD_PER_ADDRESS } from './routes/poll.ts';
export type { WebReply } from './replies.ts';

export interface WebServer {
  server: Server;
  url: string;
  close(): Promise<void>;
  /** Polls held open right now on this process. */
  pollsHeld(): number;
}

export interface WebServerOptions {
  /** Routes of other channels and integrations, served on this port (e.g. POST /slack/events). */
  routes?: readonly ChannelRoute[];
  /** The other channels' states, for /healthz. */
  statuses?: ChannelStatuses;
}

const TOO_LARGE = `the body is larger than ${MAX_BODY_BYTES} bytes`;
/** What a client is told for the framework's own refusals, in the words it was told before. */
const REFUSALS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'send application/json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the body is not JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'the body is not JSON',
};

/**
 * The node server under Fastify: the brought routes first, by method and exact path, before anything
 * is read; and a client that asks before sending a body too large is told 413 at once, not "100 Continue".
 */
function hostServer(routes: readonly ChannelRoute[], onError: (err: unknown, req: IncomingMessage, res: ServerResponse) => void) {
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return (fastify: (req: IncomingMessage, res: ServerResponse) => void): Server => {
    const server = createServer((req, res) => {
      const q = req.url?.indexOf('?') ?? -1;
      const route = byKey.size ? byKey.get(`${req.method} ${q < 0 ? req.url : req.url?.slice(0, q)}`) : undefined;
      if (!route) return fastify(req, res);
      Promise.resolve()
        .then(() => route.handle(req, res))
        .catch((err: unknown) => onError(err, req, res));
    });
    server.on('checkContinue', (req, res) => {
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
        const body = JSON.stringify({ error: TOO_LARGE });
        res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
        return;
      }
      res.writeContinue();
      server.emit('request', req, res);
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    return server;
  };
}

async function webApp(app: ChannelContext, options: WebServerOptions) {
  const failed = (err: unknown, path: string | undefined) => app.log.error('web request failed', { code: errorCode(err), path: path?.split('?')[0], err });
  const f: FastifyInstance = Fastify({
    serverFactory: hostServer(options.routes ?? [], (err, req, res) => {
      failed(err, req.url);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error: 'internal error' }));
    }),
    bodyLimit: MAX_BODY_BYTES,
    logger: false,
    // The address comes from client-ip.ts, which believes only the configured proxies.
    trustProxy: false,
  });
  const headers = { ...securityHeaders(), 'cache-control': 'no-store' };
  f.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
  f.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      reply.header('connection', 'close');
      drainThenClose(req.raw);
      return refuse(reply, 413, TOO_LARGE);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return refuse(reply, status, REFUSALS[err.code] ?? err.message);
    failed(err, req.url);
    return refuse(reply, 500, 'internal error');
  });
  f.setNotFoundHandler(async (req, reply) => {
    const p = req.url.split('?')[0] ?? '';
    if (p.startsWith('/api/') || p === '/support') return refuse(reply, 405, 'method not allowed');
    return sendText(reply, 404, 'not found');
  });
  const d = createWebDeps(app);
  pageRoutes(f, d);
  chatRoute(f, d);
  const polls = pollRoute(f, d);
  clockRoutes(f, d);
  await f.register(async (scope) => supportRoutes(scope, d));
  privacyRoute(f, d);
  networkRoute(f, d);
  healthRoute(f, d, options.statuses ?? (() => ({})));
  return { f, polls };
}

export async function startWebServer(app: ChannelContext, options: WebServerOptions = {}): Promise<WebServer> {
  const cfg = app.config;
  const { f, polls } = await webApp(app, options);
  try {
    await f.listen({ port: cfg.PORT, host: cfg.HOST });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    polls.close();
    throw code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL'
      ? new HelpdeskError('config.invalid', `PORT: cannot listen on ${cfg.HOST}:${cfg.PORT} (${code}); choose another PORT or HOST`, { cause: err })
      : err;
  }
  const addr = f.server.address() as AddressInfo;
  return {
    server: f.server,
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    pollsHeld: () => polls.held(),
    async close() {
      polls.close();
      f.server.closeAllConnections();
      await f.close();
    },
  };
}
