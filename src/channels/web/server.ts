// The bot's one web port: the support page's chat, the phone clock check, the network check for
// `curl`, the support form, the privacy notice and health — and whatever HTTP routes the other
// channels and integrations bring (Slack's Events API, the centre's activation hook), which get the
// request unread, because they verify a signature over the raw body (ctx.peers.routes(), read when
// the server starts). find-my-way routes; cookies go through the `cookie` package and the security
// headers come from Helmet (docs/architecture.md, "Libraries, and why").
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from 'find-my-way';
import type { ChannelContext, RunningChannel } from '../contract.ts';
import type { ConnectionStatus } from '../shared/connection.ts';
import { errorCode, HelpdeskError } from '../../errors.ts';
import { MAX_BODY_BYTES, sendJson, sendText, type Routes } from './http.ts';
import { chatRoute } from './routes/chat.ts';
import { clockRoutes } from './routes/clock.ts';
import { healthRoute } from './routes/health.ts';
import { networkRoute } from './routes/network.ts';
import { pageRoutes } from './routes/page.ts';
import { pollRoute, type Polls } from './routes/poll.ts';
import { privacyRoute } from './routes/privacy.ts';
import { progressRoute } from './routes/progress.ts';
import { supportRoutes } from './routes/support.ts';
import type { WebSettings } from './settings.ts';
import { createWebDeps } from './web-deps.ts';

export { POLLS_HELD_PER_ADDRESS } from './routes/poll.ts';
export type { WebReply } from './replies.ts';

export interface WebServer {
  server: Server;
  url: string;
  close(): Promise<void>;
  /** Polls held open right now on this process. */
  pollsHeld(): number;
  /** Up from when it listens, for /healthz and `helpdesk_channel_up`. */
  status(): ConnectionStatus;
}

/**
 * The page's routes, and the other channels' and integrations' beside them (ctx.peers); anything
 * else is 405 under /api/ and /support, else 404.
 */
function routes(ctx: ChannelContext, settings: WebSettings, own: () => ConnectionStatus): { router: Routes; polls: Polls } {
  const router: Routes = Router({
    ignoreTrailingSlash: false,
    defaultRoute(req, res) {
      const p = (req.url ?? '/').split('?')[0] ?? '/';
      if (p.startsWith('/api/') || p === '/support') return sendJson(res, 405, { error: 'method not allowed' });
      sendText(res, 404, 'not found');
    },
  });
  for (const r of ctx.peers.routes()) router.on(r.method, r.path, (req, res) => r.handle(req, res));
  const d = createWebDeps(ctx, settings);
  pageRoutes(router, d);
  chatRoute(router, d, progressRoute(router, d));
  const polls = pollRoute(router, d);
  clockRoutes(router, d);
  supportRoutes(router, d);
  privacyRoute(router, d);
  networkRoute(router, d);
  healthRoute(router, d, own);
  return { router, polls };
}

function listen(server: Server, settings: WebSettings): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL'
          ? new HelpdeskError('config.invalid', `PORT: cannot listen on ${settings.host}:${settings.port} (${err.code}); choose another PORT or HOST`, { cause: err })
          : err,
      ),
    );
    server.listen(settings.port, settings.host, () => resolve());
  });
}

/** Starts the web port: every route mounted, listening on HOST:PORT (a port in use is a config error naming PORT). */
export async function startWebServer(ctx: ChannelContext, settings: WebSettings): Promise<WebServer> {
  const started = Date.now();
  let closed = false;
  const status = (): ConnectionStatus => ({ state: closed ? 'stopped' : 'up', since: started, attempts: 1 });
  const { router, polls } = routes(ctx, settings, status);
  const failed = (req: IncomingMessage, res: ServerResponse) => (err: unknown) => {
    ctx.log.error('web request failed', { code: errorCode(err), path: req.url?.split('?')[0], err });
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
  };
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => router.lookup(req, res))
      .catch(failed(req, res));
  });
  // A client that asks before sending a body too large is told 413 at once, not "100 Continue".
  server.on('checkContinue', (req, res) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      sendJson(res, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  try {
    await listen(server, settings);
  } catch (err) {
    polls.close();
    throw err;
  }
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    pollsHeld: () => polls.held(),
    status,
    close: () =>
      new Promise((resolve) => {
        closed = true;
        polls.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The web channel as `serve` runs it: the server starts (and mounts the peers' routes) with the others. */
export function createWebChannel(ctx: ChannelContext, settings: WebSettings): RunningChannel {
  let web: WebServer | undefined;
  let starting: Promise<WebServer> | undefined;
  const since = ctx.clock.now();
  return {
    async start() {
      starting ??= startWebServer(ctx, settings);
      web = await starting;
    },
    async stop() {
      const w = web ?? (await starting?.catch(() => undefined));
      web = undefined;
      // A later start listens again (and one that failed to listen may be tried again).
      starting = undefined;
      await w?.close();
    },
    status: () => web?.status() ?? { state: 'connecting', since, attempts: 0 },
    get banner() {
      return web ? [`2fa-helpdesk is serving the support page on ${web.url} (public URL ${settings.publicUrl})`] : [];
    },
  };
}
