// Limits and the upstream guard shared between replicas through the local Redis and PostgreSQL:
// "replicas" here are separate clients, as separate processes would have.
import { afterAll, describe, expect, it } from 'vitest';
import { startRedis } from '../peers/redis-server.ts';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { FlexibleRateLimits } from '../../src/adapters/rate-limits.ts';
import { UpstreamGuard } from '../../src/adapters/limits.ts';
import { openRedis, type SharedRedis } from '../../src/adapters/redis.ts';
import { systemClock } from '../../src/ports/time.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { DATABASE_URL, REDIS_URL, isolated } from '../helpers/shared-services.ts';

const iso = isolated();
const closers: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await iso.drop();
});

const DEADLINES = { commandTimeoutMs: 250, connectTimeoutMs: 2000 };

async function redisClient(url = REDIS_URL, log = recordingLogger()): Promise<SharedRedis> {
  const r = await openRedis(url, log, DEADLINES);
  closers.push(() => r.close());
  return r;
}

describe('per-key limits across replicas', () => {
  it('in Redis, 3 replicas × 5 attempts at a limit of 5 allow 5 in total', async () => {
    const limiters = await Promise.all([0, 1, 2].map(async () => new FlexibleRateLimits({ kind: 'redis', redis: await redisClient(), prefix: iso.prefix }, recordingLogger()).limiter('code-checks', 5, 60_000)));
    const results = await Promise.all(limiters.flatMap((l) => Array.from({ length: 5 }, () => l.allow('alice'))));
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(await limiters[0]!.allow('bob')).toBe(true);
  });

  it('in PostgreSQL (no Redis), likewise', async () => {
    const limiters = await Promise.all(
      [0, 1, 2].map(async () => {
        const db = await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: recordingLogger() });
        await SqlStore.open(db);
        closers.push(() => db.close());
        return new FlexibleRateLimits({ kind: 'postgres', pool: db.pool, schema: iso.schema }, recordingLogger()).limiter('code-checks', 5, 60_000);
      }),
    );
    const results = await Promise.all(limiters.flatMap((l) => Array.from({ length: 5 }, () => l.allow('alice'))));
    expect(results.filter(Boolean)).toHaveLength(5);
  });

  it('with Redis gone, a limit still answers at once, counted in this process', async () => {
    // A client whose server has gone away (a port nobody listens on after it connected is the same to ioredis).
    const redis = await redisClient();
    const limiter = new FlexibleRateLimits({ kind: 'redis', redis, prefix: iso.prefix }, recordingLogger()).limiter('down', 2, 60_000);
    redis.client.disconnect();
    const started = Date.now();
    const results = [await limiter.allow('k'), await limiter.allow('k'), await limiter.allow('k')];
    expect(Date.now() - started).toBeLessThan(1000);
    expect(results).toEqual([true, true, false]);
  });
});

describe('the upstream guard on Redis', () => {
  const log = recordingLogger();
  const guard = async (maxConcurrent: number) => {
    const g = new UpstreamGuard({
      maxConcurrent,
      minTimeMs: 0,
      timeoutMs: 3000,
      cacheTtlMs: 5000,
      clock: systemClock,
      shared: { redis: await redisClient(), prefix: iso.prefix, name: 'enrollment', log },
    });
    closers.push(() => g.stop());
    await g.ready();
    return g;
  };

  it('holds maxConcurrent across two replicas, and survives its keys vanishing (Redis 7 "ERR" prefix)', async () => {
    const [a, b] = await Promise.all([guard(2), guard(2)]);
    let running = 0;
    let most = 0;
    const call = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      return 1;
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).run(undefined, call)));
    expect(most).toBe(2);
    // As after FLUSHDB or eviction: every key of this deployment's limiter is gone.
    const admin = (await redisClient()).client;
    const keys = await admin.keys(`b_${iso.prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    await admin.del(...keys);
    most = 0;
    const after = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).run(undefined, call)));
    expect(after.map((r) => r.status)).toEqual(Array(12).fill('fulfilled'));
    // Still one limit for both: bottleneck re-created its keys instead of every call falling back.
    expect(most).toBe(2);
    expect(log.lines.filter((l) => /limiting in this process/.test(l.message))).toEqual([]);
  });

  it('a surge on three replicas costs the upstream one call per key', async () => {
    const gs = await Promise.all([guard(8), guard(8), guard(8)]);
    let calls = 0;
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        gs[i % 3]!.run(`/v1/accounts/u${i % 10}`, async () => {
          calls++;
          await new Promise((r) => setTimeout(r, 40));
          return { user: `u${i % 10}` };
        }),
      ),
    );
    expect(answers.every((x, i) => x.user === `u${i % 10}`)).toBe(true);
    expect(calls).toBe(10);
    // Forgetting one account's answers reaches every replica's cache.
    await gs[0]!.forget((key) => key.endsWith('/u3'));
    let again = 0;
    await gs[1]!.run('/v1/accounts/u3', async () => ({ user: `u3-${++again}` }));
    expect(again).toBe(1);
  });

  it('keeps answering while Redis restarts: calls go through this process, then back to Redis', async () => {
    const server = await startRedis();
    closers.push(() => server.stop());
    const redis = await redisClient(server.url);
    const g = new UpstreamGuard({ maxConcurrent: 2, minTimeMs: 0, timeoutMs: 2000, cacheTtlMs: 1000, clock: systemClock, shared: { redis, prefix: iso.prefix, name: 'restart', log } });
    closers.push(() => g.stop());
    await g.ready();
    expect(await g.run('/v1/accounts/a', async () => 'up')).toBe('up');
    await server.kill();
    const during = await Promise.all(Array.from({ length: 4 }, (_, i) => g.run(`/v1/accounts/d${i}`, async () => `down${i}`)));
    expect(during).toEqual(['down0', 'down1', 'down2', 'down3']);
    expect(redis.state()).toBe('fallen-back');
    await server.start();
    await expect.poll(() => redis.state(), { timeout: 15_000 }).toBe('up');
    expect(await g.run('/v1/accounts/b', async () => 'back')).toBe('back');
    // Back in Redis: the answer is in the shared cache.
    expect(await redis.client.get(`${iso.prefix}restart:cache:/v1/accounts/b`)).toBe('"back"');
  });
});

describe('a Redis that accepts connections and stops answering (SIGSTOP)', () => {
  it('limits and the upstream guard answer from this process, the replica says so once, and uses Redis again when it answers', async () => {
    const server = await startRedis();
    closers.push(() => server.stop());
    const log = recordingLogger();
    const states: string[] = [];
    const redis = await openRedis(server.url, log, { ...DEADLINES, onState: (s) => states.push(s) });
    closers.push(() => redis.close());
    const fallbacks: string[] = [];
    const limiter = new FlexibleRateLimits({ kind: 'redis', redis, prefix: iso.prefix }, log, (name) => fallbacks.push(name)).limiter('hang', 3, 60_000);
    const g = new UpstreamGuard({ maxConcurrent: 4, minTimeMs: 0, timeoutMs: 2000, cacheTtlMs: 5000, clock: systemClock, shared: { redis, prefix: iso.prefix, name: 'hang', log } });
    closers.push(() => g.stop());
    await g.ready();
    expect(await limiter.allow('k')).toBe(true);
    expect(await g.run('/v1/accounts/before', async () => 'before')).toBe('before');

    server.hang();
    let upstreamCalls = 0;
    const during = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => g.run(`/v1/accounts/h${i % 4}`, async () => `hung${i % 4}-${++upstreamCalls}`)),
      ...Array.from({ length: 4 }, () => limiter.allow('k')),
      g.run(undefined, async () => 'unkeyed'),
    ]);
    // Every call answered: each account asked upstream once (this process's cache and single-flight),
    // and the limit still holds, counted here (3 points, 1 already used, 4 more asked: 2 allowed).
    expect(during.slice(0, 8).map((v) => String(v).replace(/-\d+$/, ''))).toEqual(['hung0', 'hung1', 'hung2', 'hung3', 'hung0', 'hung1', 'hung2', 'hung3']);
    expect(upstreamCalls).toBe(4);
    expect(during.slice(8, 12).filter(Boolean).length).toBeLessThanOrEqual(3);
    expect(during[12]).toBe('unkeyed');
    expect(redis.state()).toBe('fallen-back');
    expect(fallbacks.length).toBeGreaterThan(0);
    // Once more while hung: nothing is sent to Redis now, the answer comes from this process.
    expect(await g.run('/v1/accounts/h0', async () => 'again')).toMatch(/^hung0/);
    expect(log.lines.filter((l) => l.fields?.code === 'redis.fallback')).toHaveLength(1);
    expect(states).toEqual(['fallen-back']);

    server.resume();
    await expect.poll(() => redis.state(), { timeout: 10_000 }).toBe('up');
    expect(states).toEqual(['fallen-back', 'up']);
    expect(log.lines.filter((l) => l.fields?.code === 'redis.recovered')).toHaveLength(1);
    expect(await g.run('/v1/accounts/after', async () => 'after')).toBe('after');
    expect(await redis.client.get(`${iso.prefix}hang:cache:/v1/accounts/after`)).toBe('"after"');
    expect(await limiter.allow('fresh')).toBe(true);
    expect(await redis.client.exists(`${iso.prefix}rl:hang:fresh`)).toBe(1);
  });

  it('a Redis hung at start stops the start, as one that refuses connections does', async () => {
    const server = await startRedis();
    closers.push(() => server.stop());
    server.hang();
    await expect(openRedis(server.url, recordingLogger(), DEADLINES)).rejects.toMatchObject({ code: 'config.invalid' });
    server.resume();
  });
});
