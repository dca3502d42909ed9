// Per-key limits with rate-limiter-flexible: in memory for one process (the embedded default), in
// Redis when REDIS_URL is set, else in PostgreSQL when DATABASE_URL is set, so several replicas
// share one count. A shared store that stops answering falls back at once to a count in this
// process (the library's insurance limiter) rather than failing or hanging the turn.
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from '../ports/logger.ts';
import type { AttemptLimiter, RateLimits } from '../ports/limits.ts';

export type LimitsBackend = { kind: 'memory' } | { kind: 'redis'; client: Redis; prefix: string } | { kind: 'postgres'; pool: pg.Pool; schema: string };

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
    const limiter: RateLimiterAbstract =
      b.kind === 'redis'
        ? new RateLimiterRedis({ storeClient: b.client, keyPrefix: `${b.prefix}rl:${name}`, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: memory })
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
          await limiter.consume(key);
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
