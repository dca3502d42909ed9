// What /livez, /readyz and /healthz answer, worked out in one place for the web port (status alone, or
// the detail to a bearer of METRICS_TOKEN) and the metrics listener (the detail).
//   /livez   the process answers. Nothing it depends on can fail it: restarting a replica mends no
//            Redis, database or platform.
//   /readyz  this replica can serve: its store takes writes, its web channel is up, and Redis either
//            answers or has been fallen back from. A platform that cannot be reached, or a Redis
//            fallen back from, is `degraded` in the detail and still ready.
//   /healthz what it always meant: 503 while the store takes no writes or any configured channel has
//            been connecting or down for longer than CHANNEL_GRACE_SECONDS.
import { errorCode } from '../../errors.ts';
import type { Logger } from '../../ports/logger.ts';
import type { StoreHealth } from '../../ports/store.ts';
import { unhealthy, type ConnectionStatus } from './connection.ts';

export const PROBE_PATHS = ['/livez', '/readyz', '/healthz'] as const;
export type ProbePath = (typeof PROBE_PATHS)[number];
export const isProbePath = (path: string): path is ProbePath => (PROBE_PATHS as readonly string[]).includes(path);

export interface ProbeInput {
  /** Every channel of this replica by name, `web` among them. */
  channels: Record<string, ConnectionStatus>;
  health: StoreHealth;
  /** A channel down for less than this still counts as healthy. */
  graceMs: number;
  log: Logger;
  /** Which time the replica measures clocks against now (`ntp` or `host`). */
  reference: () => string;
}

export interface ProbeDetail {
  ok: boolean;
  /** What makes this answer 503. */
  failing?: string[];
  /** What is wrong without making it 503: an unreachable platform, a Redis fallen back from. */
  degraded?: string[];
  uptimeSeconds: number;
  store?: 'ok' | 'failing';
  /** `off` without REDIS_URL. */
  redis?: 'up' | 'fallen-back' | 'off';
  channels?: Record<string, { state: string; sinceSeconds: number }>;
  ticketsWaiting?: number | null;
  reference?: string;
}

export interface ProbeAnswer {
  status: 200 | 503;
  detail: ProbeDetail;
}

const started = Date.now();
const within = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref())]);

/** The store as a probe sees it: it must answer and take a write within 2 s. A read alone would still answer. */
async function storeState(input: ProbeInput): Promise<{ ok: boolean; ticketsWaiting: number | null }> {
  const [ticketsWaiting, writable] = await Promise.all([
    within(input.health.ticketsWaiting()).catch(() => null),
    within(input.health.writable()).then(
      () => true,
      (err: unknown) => {
        input.log.warn('store write probe failed', { code: errorCode(err), err });
        return false;
      },
    ),
  ]);
  return { ok: ticketsWaiting !== null && writable, ticketsWaiting };
}

export async function probe(path: ProbePath, input: ProbeInput): Promise<ProbeAnswer> {
  const now = Date.now();
  const uptimeSeconds = Math.round((now - started) / 1000);
  if (path === '/livez') return { status: 200, detail: { ok: true, uptimeSeconds } };
  const { channels } = input;
  const platformsDown = Object.entries(channels)
    .filter(([, st]) => unhealthy(st, now, input.graceMs))
    .map(([name]) => name);
  const store = await storeState(input);
  const redis = input.health.redis?.() ?? 'off';
  const failing: string[] = [];
  const degraded: string[] = redis === 'fallen-back' ? ['redis'] : [];
  if (path === '/readyz') {
    // The web channel serves every request a load balancer sends here: it must be up, not merely within its grace.
    if (channels.web && channels.web.state !== 'up') failing.push('web');
    degraded.unshift(...platformsDown.filter((name) => name !== 'web'));
  } else {
    failing.push(...platformsDown);
  }
  if (!store.ok) failing.push('store');
  const ok = failing.length === 0;
  return {
    status: ok ? 200 : 503,
    detail: {
      ok,
      ...(failing.length ? { failing } : {}),
      ...(degraded.length ? { degraded } : {}),
      uptimeSeconds,
      store: store.ok ? 'ok' : 'failing',
      redis,
      // States only: why a platform is down (addresses, error texts) is in the log.
      channels: Object.fromEntries(Object.entries(channels).map(([name, st]) => [name, { state: st.state, sinceSeconds: Math.round((now - st.since) / 1000) }])),
      ticketsWaiting: store.ticketsWaiting,
      reference: input.reference(),
    },
  };
}
