// GET /healthz: 200 while no channel has been connecting or down for longer than the grace period
// (up, stopped and standby, a leader-only channel held by another replica, are all fine) and the
// store takes writes, else 503 with what is failing.
import { errorCode } from '../../../errors.ts';
import { unhealthy, type ConnectionStatus } from '../../shared/connection.ts';
import { route, sendJson, type Routes } from '../http.ts';
import type { WebDeps } from '../web-deps.ts';

/**
 * `own`: this server's state (up since it listens), the `web` entry when ctx.peers reports no web
 * channel (the server run alone, as in tests); under `serve` the peers' statuses hold every channel,
 * the web one too, and theirs wins. `uptimeSeconds` is this server's.
 */
export function healthRoute(r: Routes, d: WebDeps, own: () => ConnectionStatus): void {
  const { ctx } = d;
  route(r, 'GET', '/healthz', async ({ res }) => {
    const now = Date.now();
    const channels: Record<string, ConnectionStatus> = { web: own(), ...ctx.peers.statuses() };
    const failing = Object.entries(channels).filter(([, st]) => unhealthy(st, now, d.settings.channelGraceMs)).map(([name]) => name);
    // A replica that cannot reach its store, or cannot write to it (a full or read-only disk), can
    // hold no conversation: the load balancer should skip it. A read alone would still answer.
    const within = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
    const [ticketsWaiting, writable] = await Promise.all([
      within(ctx.health.ticketsWaiting()).catch(() => null),
      within(ctx.health.writable()).then(
        () => true,
        (err: unknown) => {
          ctx.log.warn('store write probe failed', { code: errorCode(err), err });
          return false;
        },
      ),
    ]);
    if (ticketsWaiting === null || !writable) failing.push('store');
    sendJson(res, failing.length ? 503 : 200, {
      ok: failing.length === 0,
      ...(failing.length ? { failing } : {}),
      uptimeSeconds: Math.round((now - own().since) / 1000),
      // States only: why a platform is down (addresses, error texts) is in the log, not on the public port.
      channels: Object.fromEntries(Object.entries(channels).map(([name, st]) => [name, { state: st.state, sinceSeconds: Math.round((now - st.since) / 1000) }])),
      reference: ctx.reference.now().reference,
      ticketsWaiting,
    });
  });
}
