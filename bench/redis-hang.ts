// `npm run bench -- --redis-hang`: a `serve` replica (the compiled command) on the local PostgreSQL
// and a redis-server of its own, under steady web traffic (browsers, each a conversation after
// another: a topic, a name, skip, two lines), while Redis hangs (SIGSTOP: its connections stay open
// and nothing is answered) for 60 s (REDIS_HANG_SECONDS), then answers again. Prints the turns
// answered and failed before, during and after the hang with their p50/p99, how long the replica
// took to say it fell back and came back (/readyz on the metrics listener), and the stop time
// (SIGTERM to exit) with Redis hung and turns in flight, three times. Goals: no failed turn during
// the hang, its p99 under 1 s, every stop under 3.5 s.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATABASE_URL, isolated } from '../test/helpers/shared-services.ts';
import { freePort } from '../test/peers/ports.ts';
import { startRedis, type RedisPeer } from '../test/peers/redis-server.ts';

const ROOT = path.join(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/2fa-helpdesk.js');
const BROWSERS = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'nobody'];

interface Served {
  child: ChildProcess;
  url: string;
  metrics: string;
  exited: Promise<void>;
}

async function serve(redis: RedisPeer, schema: string): Promise<Served> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), '2fa-bench-hang-')),
    LOG_LEVEL: 'error',
    TYPING_DELAY_SECONDS: '0',
    NTP_SERVERS: '',
    DNS_SERVERS: '127.0.0.1:9',
    DNS_TIMEOUT_MS: '300',
    DATABASE_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL: redis.url,
    REDIS_PREFIX: `${schema}:`,
    TRUSTED_PROXIES: '127.0.0.1',
    NEW_CONVERSATIONS_PER_ADDRESS: '10000000',
  };
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const s = { child, url: `http://127.0.0.1:${port}`, metrics: `http://127.0.0.1:${metricsPort}`, exited };
  for (const deadline = Date.now() + 60_000; ; ) {
    if (child.exitCode !== null) throw new Error('serve exited at start');
    if ((await fetch(`${s.url}/readyz`).then((r) => r.status, () => 0)) === 200) return s;
    if (Date.now() > deadline) throw new Error('serve did not become ready in 60 s');
    await sleep(200);
  }
}

const redisState = (s: Served) =>
  fetch(`${s.metrics}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
    async (r) => ((await r.json()) as { redis?: string }).redis ?? '?',
    () => 'no answer',
  );

interface Turn {
  at: number;
  ms: number;
  ok: boolean;
}

/** Browsers, each holding conversations one after another until `until()` says stop; every turn recorded. */
function traffic(s: Served, turns: Turn[], inFlight: { n: number }, until: () => boolean): Promise<void> {
  let session = 0;
  const browser = async (b: number) => {
    while (!until()) {
      const n = session++;
      let cookie = '';
      const xff = `10.9.${b}.${n % 250}`;
      for (const event of [{ type: 'choice', id: 'code_rejected' }, { type: 'text', text: USERS[n % USERS.length] }, { type: 'text', text: 'skip' }, { type: 'text', text: `note ${n}-1` }, { type: 'text', text: `note ${n}-2` }]) {
        if (until()) return;
        const started = performance.now();
        inFlight.n++;
        const ok = await fetch(`${s.url}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': xff, ...(cookie ? { cookie } : {}) },
          body: JSON.stringify({ event, lang: 'en' }),
          signal: AbortSignal.timeout(30_000),
        }).then(
          async (res) => {
            cookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
            await res.arrayBuffer();
            return res.status === 200;
          },
          () => false,
        );
        inFlight.n--;
        turns.push({ at: Date.now(), ms: performance.now() - started, ok });
      }
    }
  };
  return Promise.all(Array.from({ length: BROWSERS }, (_, b) => browser(b))).then(() => undefined);
}

const phase = (turns: Turn[], from: number, to: number) => {
  const inside = turns.filter((t) => t.at >= from && t.at < to);
  const ms = inside.filter((t) => t.ok).map((t) => t.ms);
  return { answered: ms.length, failed: inside.length - ms.length, p50Ms: Math.round(quantile(ms, 0.5)), p99Ms: Math.round(quantile(ms, 0.99)), maxMs: Math.round(Math.max(...ms)) };
};

/** Resolves with the milliseconds from `since` until `check` is true (polled every 50 ms), or NaN after 30 s. */
async function until(check: () => Promise<boolean>, since: number): Promise<number> {
  while (Date.now() - since < 30_000) {
    if (await check()) return Date.now() - since;
    await sleep(50);
  }
  return NaN;
}

export interface RedisHangFigures {
  hangSeconds: number;
  browsers: number;
  before: ReturnType<typeof phase>;
  during: ReturnType<typeof phase>;
  after: ReturnType<typeof phase>;
  fellBackAfterMs: number;
  backAfterMs: number;
  stops: Array<{ ms: number; turnsInFlight: number; exitCode: number | null }>;
}

export async function redisHangBench(hangSeconds = Number(process.env.REDIS_HANG_SECONDS ?? 60)): Promise<RedisHangFigures> {
  const iso = isolated();
  const redis = await startRedis();
  try {
    const s = await serve(redis, iso.schema);
    const turns: Turn[] = [];
    let done = false;
    const load = traffic(s, turns, { n: 0 }, () => done);
    await sleep(10_000);
    const hungAt = Date.now();
    redis.hang();
    const fellBackAfterMs = await until(async () => (await redisState(s)) === 'fallen-back', hungAt);
    await sleep(hangSeconds * 1000 - (Date.now() - hungAt));
    const resumedAt = Date.now();
    redis.resume();
    const backAfterMs = await until(async () => (await redisState(s)) === 'up', resumedAt);
    await sleep(10_000 - (Date.now() - resumedAt));
    done = true;
    await load;
    s.child.kill('SIGTERM');
    await s.exited;
    const figures = { before: phase(turns, 0, hungAt), during: phase(turns, hungAt, resumedAt), after: phase(turns, resumedAt, Infinity) };

    const stops: RedisHangFigures['stops'] = [];
    for (let round = 0; round < 3; round++) {
      const r = await serve(redis, iso.schema);
      const inFlight = { n: 0 };
      let stopping = false;
      const load2 = traffic(r, [], inFlight, () => stopping);
      await sleep(2000);
      redis.hang();
      await sleep(1500);
      // Wait for a moment with turns under way, then stop.
      while (inFlight.n === 0) await sleep(5);
      const turnsInFlight = inFlight.n;
      const started = performance.now();
      r.child.kill('SIGTERM');
      await r.exited;
      stops.push({ ms: Math.round(performance.now() - started), turnsInFlight, exitCode: r.child.exitCode });
      stopping = true;
      redis.resume();
      await load2;
    }
    return { hangSeconds, browsers: BROWSERS, ...figures, fellBackAfterMs, backAfterMs, stops };
  } finally {
    redis.resume();
    await redis.stop();
    await iso.drop();
  }
}

export function redisHangLine(f: RedisHangFigures): string {
  const p = (x: ReturnType<typeof phase>) => `${x.answered} answered, ${x.failed} failed, p50 ${x.p50Ms} ms, p99 ${x.p99Ms} ms, max ${x.maxMs} ms`;
  return [
    `Redis hung ${f.hangSeconds} s under ${f.browsers} browsers: before ${p(f.before)}; during the hang ${p(f.during)} (goal 0 failed, p99 < 1000 ms); after ${p(f.after)}`,
    `  fell back (readyz says so) ${f.fellBackAfterMs} ms after the hang began; back on Redis ${f.backAfterMs} ms after it answered again`,
    `  stop with Redis hung and turns in flight (SIGTERM to exit; goal < 3500 ms): ${f.stops.map((s) => `${s.ms} ms (${s.turnsInFlight} in flight, exit ${s.exitCode})`).join(', ')}`,
  ].join('\n');
}
