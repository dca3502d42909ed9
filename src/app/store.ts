// The conversation store and the shared limits, built from the store slice (DATA_DIR or
// DATABASE_URL, REDIS_URL): SQLite embedded, PostgreSQL for replicas; limits in this process, in
// Redis or in PostgreSQL. pg and ioredis are loaded only when configured.
import type { SharedRedis } from '../adapters/redis.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { SqlDb } from '../adapters/sql/db.ts';
import { openDatabase } from '../adapters/sql/open.ts';
import type { PostgresDb } from '../adapters/sql/postgres.ts';
import { SqlStore } from '../adapters/sql/store.ts';
import type { FlexibleRateLimits } from '../adapters/rate-limits.ts';
import { createLimits, openSharedRedis } from './shared-limits.ts';

export interface StorePart {
  db: SqlDb;
  store: SqlStore;
  /** The PostgreSQL database when DATABASE_URL is set (notifications, leader election). */
  pg: PostgresDb | undefined;
  /** Redis when REDIS_URL is set: the client, and whether it answers now. */
  redis: SharedRedis | undefined;
  limits: FlexibleRateLimits;
}

/** Opens the store; what it opened is closed by the cleanups pushed onto `cleanups`, even when a later part fails. */
export async function createStore(config: Config, log: Logger, metrics: Pick<Metrics, 'count'>, cleanups: Array<() => unknown>): Promise<StorePart> {
  const db = await openDatabase(config, log);
  cleanups.push(() => db.close());
  const store = await SqlStore.open(db);
  const pg = db.dialect === 'postgres' ? (db as PostgresDb) : undefined;
  const redis = await openSharedRedis(config, log, metrics, cleanups);
  return { db, store, pg, redis, limits: createLimits(config, { redis, pg }, log, metrics) };
}
