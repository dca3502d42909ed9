// GET /healthz: 200 while every configured channel is up (or down for less than the grace period)
// and the store takes writes, else 503 with what is failing.
import { errorCode } from '../../../errors.ts';
import { unhealthy, type ConnectionStatus } from '../../shared/connection.ts';
import { route, sendJson, type Routes } from '../http.ts';
import type { WebDeps } from '../web-deps.ts';

/** The states of the other channels on this replica, asked on each request. */
export type ChannelStatuses = () => Record<string, ConnectionStatus>;

export function healthRoute(r: Routes, d: WebDeps, others: ChannelStatuses): void {
  const { app } = d;
  const started = Date.now();
  route(r, 'GET', '/healthz', async ({ res }) => {
    const now = Date.now();
    const channels: Record<string, ConnectionStatus> = { web: { state: 'up', since: started, attempts: 1 }, ...others() };
    const failing = Object.entries(channels).filter(([, st]) => unhealthy(st, now, app.config.CHANNEL_GRACE_SECONDS * 1000)).map(([name]) => name);
    // A replica that cannot reach its store, or cannot write to it (a full or read-only disk), can
    // hold no conversation: the load balancer should skip it. A read alone would still answer.
    const within = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
    const [ticketsWaiting, writable] = await Promise.all([
      within(app.ticketsWaiting()).catch(() => null),
      within(app.storeWritable()).then(
        () => true,
        (err: unknown) => {
          app.log.warn('store write probe failed', { code: errorCode(err), err });
          return false;
        },
      ),
    ]);
    if (ticketsWaiting === null || !writable) failing.push('store');
    sendJson(res, failing.length ? 503 : 200, {
      ok: failing.length === 0,
      ...(failing.length ? { failing } : {}),
      uptimeSeconds: Math.round((now - started) / 1000),
      // States only: why a platform is down (addresses, error texts) is in the log, not on the public port.
      channels: Object.fromEntries(Object.entries(channels).map(([name, st]) => [name, { state: st.state, sinceSeconds: Math.round((now - st.since) / 1000) }])),
      reference: app.reference.now().reference,
      ticketsWaiting,
    });
  });
}
