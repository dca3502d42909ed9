// Per-key limits with rate-limiter-flexible: in memory for one process (the embedded default), in
// Redis when REDIS_URL is set, else in PostgreSQL when DATABASE_URL is set, so several replicas
// share one count. A shared store that stops answering falls back at once to a count in this
// process rather than failing or hanging the turn: Redis within its command deadline, and not at
// all while it is known not to answer (SharedRedis); PostgreSQL through the library's insurance limiter.
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SharedRedis } from './redis.ts';
import type pg from 'pg';
import type { Logger } from '../ports/logger.ts';
import type { AttemptLimiter, RateLimits } from '../ports/limits.ts';

export type LimitsBackend = { kind: 'memory' } | { kind: 'redis'; redis: SharedRedis; prefix: string } | { kind: 'postgres'; pool: pg.Pool; schema: string };

export class FlexibleRateLimits implements RateLimits {
  /** @param onFallback told each time a limit is counted in this process because the shared store failed */
  constructor(
    private readonly backend: LimitsBackend,
    private readonly log: Logger,
    private readonly onFallback: (limiter: string) => void = () => {},
  ) {}

  limiter(name: string, points: number, windowMs: number): AttemptLimiter {
    const duration = Math.max(1, Math.round(windowMs / 1000));
    const b = this.backend;
    const told = this.onFallback;
    // The shared limiters call their insurance limiter only when their store failed.
    class Insurance extends RateLimiterMemory {
      override consume(...args: Parameters<RateLimiterMemory['consume']>) {
        told(name);
        return super.consume(...args);
      }
    }
    const memory = b.kind === 'memory' ? new RateLimiterMemory({ keyPrefix: name, points, duration }) : new Insurance({ keyPrefix: name, points, duration });
    // Redis's failures are caught here rather than by an insurance limiter, so that SharedRedis hears of them.
    const limiter: RateLimiterAbstract =
      b.kind === 'redis'
        ? new RateLimiterRedis({ storeClient: b.redis.client, keyPrefix: `${b.prefix}rl:${name}`, points, duration, rejectIfRedisNotReady: true })
        : b.kind === 'postgres'
          ? new RateLimiterPostgres({
              storeClient: b.pool,
              schemaName: b.schema,
              tableName: 'rate_limits',
              tableCreated: true,
              clearExpiredByTimeout: false,
              keyPrefix: name,
              points,
              duration,
              insuranceLimiter: memory,
            })
          : memory;
    return {
      allow: async (key) => {
        try {
          if (b.kind !== 'redis') await limiter.consume(key);
          else if (!b.redis.answering) await memory.consume(key);
          else
            await limiter.consume(key).catch((err: unknown) => {
              if (err instanceof RateLimiterRes) throw err;
              b.redis.failed(err);
              return memory.consume(key);
            });
          return true;
        } catch (err) {
          if (err instanceof RateLimiterRes) return false;
          // Only reached if the insurance limiter itself failed: count it as allowed, and say so.
          this.log.error('rate limit store failed', { code: 'store.unavailable', limiter: name, err });
          return true;
        }
      },
    };
  }
}
