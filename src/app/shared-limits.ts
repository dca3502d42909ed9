// Redis and the per-key limits, built from REDIS_URL (and the database when the limits are kept in
// PostgreSQL): apart from the store, so a command that keeps no conversation (diagnose) opens no store.
import type { SharedRedis } from '../adapters/redis.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { PostgresDb } from '../adapters/sql/postgres.ts';
import { FlexibleRateLimits } from '../adapters/rate-limits.ts';

/** Redis when REDIS_URL is set (closed by the cleanups), loaded only then. */
export async function openSharedRedis(config: Config, log: Logger, metrics: Pick<Metrics, 'count'>, cleanups: Array<() => unknown>): Promise<SharedRedis | undefined> {
  if (!config.REDIS_URL) return undefined;
  const { openRedis } = await import('../adapters/redis.ts');
  const redis = await openRedis(config.REDIS_URL, log, {
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: config.REDIS_CONNECT_TIMEOUT_MS,
    onState: (state) => {
      if (state === 'fallen-back') metrics.count('helpdesk_redis_fallbacks_total');
    },
  });
  cleanups.push(() => redis.close());
  return redis;
}

/** The per-key limits: shared in Redis, else in PostgreSQL, else in this process. */
export function createLimits(config: Config, shared: { redis?: SharedRedis | undefined; pg?: PostgresDb | undefined }, log: Logger, metrics: Pick<Metrics, 'count'>): FlexibleRateLimits {
  const { redis, pg } = shared;
  return new FlexibleRateLimits(
    redis ? { kind: 'redis', redis, prefix: config.REDIS_PREFIX } : pg ? { kind: 'postgres', pool: pg.pool, schema: config.DATABASE_SCHEMA } : { kind: 'memory' },
    log,
    (limiter) => metrics.count('helpdesk_limiter_fallback_total', { limiter }),
  );
}
