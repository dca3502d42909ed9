// Limits and the upstream guard shared between replicas through the local Redis and PostgreSQL:
// "replicas" here are separate clients, as separate processes would have.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../peers/ports.ts';
import { Redis } from 'ioredis';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { FlexibleRateLimits } from '../../src/adapters/rate-limits.ts';
import { UpstreamGuard } from '../../src/adapters/limits.ts';
import { openRedis } from '../../src/adapters/redis.ts';
import { systemClock } from '../../src/ports/time.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { DATABASE_URL, REDIS_URL, isolated } from '../helpers/shared-services.ts';

const iso = isolated();
const closers: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await iso.drop();
});

async function redisClient(): Promise<Redis> {
  const r = await openRedis(REDIS_URL, recordingLogger());
  closers.push(() => r.quit().catch(() => undefined));
  return r;
}

describe('per-key limits across replicas', () => {
  it('in Redis, 3 replicas × 5 attempts at a limit of 5 allow 5 in total', async () => {
    const limiters = await Promise.all([0, 1, 2].map(async () => new FlexibleRateLimits({ kind: 'redis', client: await redisClient(), prefix: iso.prefix }, recordingLogger()).limiter('code-checks', 5, 60_000)));
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
    const client = await redisClient();
    const limiter = new FlexibleRateLimits({ kind: 'redis', client, prefix: iso.prefix }, recordingLogger()).limiter('down', 2, 60_000);
    client.disconnect();
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
    const admin = await redisClient();
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
    const port = await freePort();
    const start = () => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    let server: ChildProcess = start();
    closers.push(() => server.kill('SIGKILL'));
    const url = `redis://127.0.0.1:${port}`;
    let client: Redis | undefined;
    for (let i = 0; i < 50 && !client; i++) client = await openRedis(url, recordingLogger()).catch(async () => void (await new Promise((r) => setTimeout(r, 100))));
    closers.push(() => client!.disconnect());
    const g = new UpstreamGuard({ maxConcurrent: 2, minTimeMs: 0, timeoutMs: 2000, cacheTtlMs: 1000, clock: systemClock, shared: { redis: client!, prefix: iso.prefix, name: 'restart', log } });
    closers.push(() => g.stop());
    await g.ready();
    expect(await g.run('/v1/accounts/a', async () => 'up')).toBe('up');
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    const started = Date.now();
    const during = await Promise.all(Array.from({ length: 4 }, (_, i) => g.run(`/v1/accounts/d${i}`, async () => `down${i}`)));
    expect(during).toEqual(['down0', 'down1', 'down2', 'down3']);
    expect(Date.now() - started).toBeLessThan(1500);
    server = start();
    const back = await (async () => {
      for (let i = 0; i < 100; i++) {
        if (client!.status === 'ready') return g.run('/v1/accounts/b', async () => 'back');
        await new Promise((r) => setTimeout(r, 100));
      }
      return 'never reconnected';
    })();
    expect(back).toBe('back');
  });
});
