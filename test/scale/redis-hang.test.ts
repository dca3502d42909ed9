// A Redis that accepts connections and stops answering (a redis-server of the test's own, SIGSTOPped),
// under load on a real `serve` replica (the compiled command) on PostgreSQL: every turn is answered,
// none errors; the replica says it fell back (/readyz's detail, the metric, the log) and comes back to
// Redis when it answers; and a stop with Redis hung and turns in flight completes. How long the turns
// and the stop take is measured in bench/redis-hang.ts (`npm run bench -- --redis-hang`).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, baseEnv, tempDataDir } from '../helpers/cli.ts';
import { isolated } from '../helpers/shared-services.ts';
import { freePort } from '../peers/ports.ts';
import { startRedis, type RedisPeer } from '../peers/redis-server.ts';

const iso = isolated();
let redis: RedisPeer;

interface Served {
  child: ChildProcess;
  url: string;
  metrics: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function serve(): Promise<Served> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const env = baseEnv({ ...iso.env, REDIS_URL: redis.url, PORT: String(port), METRICS_PORT: String(metricsPort), DATA_DIR: tempDataDir(), LOG_LEVEL: 'info', TRUSTED_PROXIES: '127.0.0.1', NEW_CONVERSATIONS_PER_ADDRESS: '1000000' });
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const s = { child, url: `http://127.0.0.1:${port}`, metrics: `http://127.0.0.1:${metricsPort}`, stderr: () => stderr, exited };
  await expect.poll(() => fetch(`${s.url}/readyz`).then((r) => r.status, () => 0), { timeout: 60_000, interval: 200 }).toBe(200);
  return s;
}

const redisState = async (s: Served) => ((await (await fetch(`${s.metrics}/readyz`)).json()) as { redis: string }).redis;

/** Browsers holding conversations one after another until told to stop; the status of every turn goes to `record`. */
function browse(s: Served, record: (status: number) => void, inFlight: { n: number }, stop: () => boolean, browsers = 4): Promise<void> {
  let next = 0;
  const one = async (b: number) => {
    while (!stop()) {
      const n = next++;
      let cookie = '';
      for (const event of [{ type: 'choice', id: 'code_rejected' }, { type: 'text', text: n % 2 ? 'alice' : 'bob' }, { type: 'text', text: 'skip' }, { type: 'text', text: `note ${n}` }]) {
        if (stop()) return;
        inFlight.n++;
        const status = await fetch(`${s.url}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.7.${b}.${n % 250}`, ...(cookie ? { cookie } : {}) },
          body: JSON.stringify({ event, lang: 'en' }),
        }).then(
          async (res) => {
            cookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
            await res.arrayBuffer();
            return res.status;
          },
          () => 0,
        );
        inFlight.n--;
        record(status);
      }
    }
  };
  return Promise.all(Array.from({ length: browsers }, (_, b) => one(b))).then(() => undefined);
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  redis?.resume();
  await redis?.stop();
  await iso.drop();
});

describe('serve while Redis hangs', () => {
  it('answers every turn, says it fell back, and uses Redis again when it answers', async () => {
    const s = await serve();
    try {
      const turns = { before: [] as number[], during: [] as number[], after: [] as number[] };
      let phase: keyof typeof turns = 'before';
      let done = false;
      const load = browse(s, (status) => turns[phase].push(status), { n: 0 }, () => done);
      await expect.poll(() => turns.before.length, { timeout: 30_000 }).toBeGreaterThan(8);
      // Hung under load: turns are under way when it stops answering.
      redis.hang();
      phase = 'during';
      const during = turns.during;
      await expect.poll(() => redisState(s), { timeout: 10_000 }).toBe('fallen-back');
      // Turns go on while Redis stays hung: at least two whole conversations per browser.
      await expect.poll(() => during.length, { timeout: 60_000 }).toBeGreaterThan(32);
      const ready = await (await fetch(`${s.metrics}/readyz`)).json();
      expect(ready).toMatchObject({ ok: true, redis: 'fallen-back', degraded: ['redis'] });
      expect((await fetch(`${s.url}/livez`)).status).toBe(200);
      expect(await (await fetch(`${s.metrics}/metrics`)).text()).toMatch(/^helpdesk_redis_up(\{[^}]*\})? 0$/m);
      redis.resume();
      phase = 'after';
      await expect.poll(() => redisState(s), { timeout: 15_000 }).toBe('up');
      await expect.poll(() => turns.after.length, { timeout: 30_000 }).toBeGreaterThan(8);
      done = true;
      await load;
      expect(turns.before.filter((x) => x !== 200)).toEqual([]);
      expect(turns.during.filter((x) => x !== 200)).toEqual([]);
      expect(turns.after.filter((x) => x !== 200)).toEqual([]);
      expect(s.stderr()).toContain('"code":"redis.fallback"');
      expect(s.stderr()).toContain('"code":"redis.recovered"');
    } finally {
      redis.resume();
      s.child.kill('SIGTERM');
      await s.exited;
    }
  }, 180_000);

  it('stops on SIGTERM with Redis hung and turns in flight', async () => {
    const s = await serve();
    const inFlight = { n: 0 };
    let stop = false;
    const load = browse(s, () => undefined, inFlight, () => stop);
    try {
      await expect.poll(() => inFlight.n, { timeout: 10_000 }).toBeGreaterThan(0);
      redis.hang();
      await expect.poll(() => redisState(s), { timeout: 10_000 }).toBe('fallen-back');
      await expect.poll(() => inFlight.n, { timeout: 10_000, interval: 5 }).toBeGreaterThan(0);
      s.child.kill('SIGTERM');
      const code = await Promise.race([s.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000).unref())]);
      expect(code).toBe(0);
    } finally {
      stop = true;
      redis.resume();
      s.child.kill('SIGKILL');
      await load;
    }
  }, 120_000);
});
