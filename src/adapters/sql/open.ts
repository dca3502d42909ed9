// Opens the database the configuration names. Apart from db.ts, so that db.ts (the shared
// interface and SQLite) and postgres.ts (which builds on db.ts) do not import each other.
import type { Logger } from '../../ports/logger.ts';
import { SqliteDb, type SqlDb } from './db.ts';

/** PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR. */
export async function openDatabase(
  config: { DATABASE_URL?: string | undefined; DATABASE_SCHEMA: string; DATABASE_POOL_SIZE: number; DATA_DIR: string },
  log: Logger,
): Promise<SqlDb> {
  if (!config.DATABASE_URL) return SqliteDb.open(config.DATA_DIR, (line) => log.warn(line, { code: 'store.permissions' }));
  // pg is loaded only when it is used: the embedded path and one-shot commands start faster.
  const { PostgresDb } = await import('./postgres.ts');
  return PostgresDb.open({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolSize: config.DATABASE_POOL_SIZE, log });
}
