// The local PostgreSQL and Redis (127.0.0.1:5432, database `test`; 127.0.0.1:6379), running on the
// machine or started by bin/test-peers.js. Each test takes its own schema and key prefix, and drops them afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

// postgres:postgres: what bin/test-peers.js sets up on a fresh machine; a trust-auth server ignores it.
export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export interface Isolated {
  schema: string;
  prefix: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A schema and a Redis prefix of this test's own. */
export function isolated(): Isolated {
  const id = randomBytes(5).toString('hex');
  const schema = `t_${id}`;
  const prefix = `test:${id}:`;
  return {
    schema,
    prefix,
    env: { DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL, REDIS_PREFIX: prefix },
    async drop() {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      // bottleneck's own keys carry the limiter id, which starts with the prefix.
      const limiterKeys = await redis.keys(`b_${prefix}*`);
      if (limiterKeys.length) await redis.del(...limiterKeys);
      redis.disconnect();
    },
  };
}
