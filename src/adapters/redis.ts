// The Redis connection for what several replicas must share quickly: the clustered upstream
// limiter, its cache, and the per-key limits. Commands fail at once while Redis is away (no
// offline queue), so every user of it can fall back instead of hanging a turn.
import { Redis } from 'ioredis';
import { HelpdeskError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import { redactUrl } from './sql/db.ts';

export async function openRedis(url: string, log: Logger): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  let lastWarned = 0;
  let starting = true;
  let firstError: Error | undefined;
  client.on('error', (err: Error) => {
    firstError ??= err;
    // ioredis retries by itself; one line a minute is enough to say it is still trying.
    if (starting || Date.now() - lastWarned < 60_000) return;
    lastWarned = Date.now();
    log.warn('Redis unavailable; retrying (limits and cache fall back to this process)', { code: 'upstream.unavailable', err });
  });
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new HelpdeskError('config.invalid', `REDIS_URL ${redactUrl(url)} cannot be reached: ${(firstError ?? (err as Error)).message}`, { cause: err });
  }
  starting = false;
  return client;
}
