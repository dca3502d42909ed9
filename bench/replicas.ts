// Figures for several replicas on the local PostgreSQL and Redis:
//   engine turns per second through the runner with the PostgreSQL store, next to SQLite;
//   enrollment API calls for 1 000 diagnoses of 100 users spread over three replicas;
//   the time for a reply made on one replica to reach a page polling another.
import { generateSecret } from 'otplib';
import { loadConfig } from '../src/config.ts';
import { createHelpdesk, type Helpdesk } from '../src/main.ts';
import { DemoEnrollmentBackend, type DemoUser } from '../src/adapters/demo-enrollment.ts';
import { SqliteDb, type SqlDb } from '../src/adapters/sql/db.ts';
import { PostgresDb } from '../src/adapters/sql/postgres.ts';
import { SqlStore } from '../src/adapters/sql/store.ts';
import { ConversationRunner } from '../src/engine/runner.ts';
import { result } from '../src/checks/context.ts';
import type { CheckRunner } from '../src/checks/index.ts';
import type { FlowSet } from '../src/flows/schema.ts';
import type { EngineEvent } from '../src/engine/events.ts';
import type { ChatEvent } from '../src/ports/conversations.ts';
import type { Understanding } from '../src/ports/understanding.ts';
import type { CentreWords } from '../src/flows/words.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { systemClock } from '../src/ports/time.ts';
import { startWebFor } from '../test/helpers/web.ts';
import { DATABASE_URL, isolated } from '../test/helpers/shared-services.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import pg from 'pg';
import os from 'node:os';
import path from 'node:path';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const tmp = () => mkdtempSync(path.join(os.tmpdir(), '2fa-bench-'));

/** 100 demo accounts, each with an active token: the surge's distinct users. */
export function benchUsers(): DemoUser[] {
  return Array.from({ length: 100 }, (_, i) => ({
    username: `user${i}`,
    email: `user${i}@example.org`,
    status: 'active',
    situation: 'benchmark',
    tokens: [{ id: `tok-${i}`, state: 'active', registeredMinutesAgo: 600, secret: generateSecret() }],
  }));
}

/** Checks answered at once: the figure is the engine and the store, not the upstreams. */
const instantChecks: CheckRunner = {
  async run(id) {
    const canned = {
      account: result('account', 'account.found', 'pass', { username: 'alice', status: 'active' }, 'en'),
      token: result('token', 'token.active', 'pass', { state: 'active', minutesSinceRegistration: 8000 }, 'en'),
      code: result('code', 'code.invalid', 'fail', { offsetSteps: null }, 'en'),
      clock: result('clock', 'clock.ok', 'pass', { offsetSeconds: 1, reference: 'ntp' }, 'en'),
      network: result('network', 'network.private', 'pass', { ip: '10.0.0.1', twoFactorRequired: false }, 'en'),
    } as const;
    return { result: canned[id as keyof typeof canned] ?? canned.network };
  },
};

/**
 * Every statement a pg client sends is one round trip (pg does not pipeline): counted here, in the
 * bench only, by wrapping the client's query method.
 */
let roundTrips = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
  roundTrips++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/**
 * The yardstick: pgbench's simple-update transactions per second (`-N`, 16 clients, 2 threads, 10 s)
 * on the same server, in a scratch database made and dropped here. Undefined when pgbench is missing.
 */
export function pgbenchSimpleUpdate(url: string, seconds = 10): number | undefined {
  const name = `bench_pgbench_${process.pid}`;
  const admin = new URL(url);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const psql = (sql: string) => spawnSync('psql', [admin.toString(), '-qAtc', sql], { encoding: 'utf8' });
  if (spawnSync('pgbench', ['--version']).status !== 0) return undefined;
  psql(`DROP DATABASE IF EXISTS ${name}`);
  if (psql(`CREATE DATABASE ${name}`).status !== 0) return undefined;
  try {
    if (spawnSync('pgbench', ['-i', '-s', '1', '-q', scratch.toString()], { encoding: 'utf8' }).status !== 0) return undefined;
    const run = spawnSync('pgbench', ['-N', '-c', '16', '-j', '2', '-T', String(seconds), scratch.toString()], { encoding: 'utf8' });
    const tps = /tps = ([\d.]+)/.exec(run.stdout)?.[1];
    return tps ? Math.round(Number(tps)) : undefined;
  } finally {
    psql(`DROP DATABASE IF EXISTS ${name}`);
  }
}

/** user + system CPU of a process, in ms, from /proc (Linux); 0 when it cannot be read (gone, not Linux). */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * The server processes (backends) of a PostgresDb's pool, as they connect: their CPU is the server's
 * share of a turn (the machine is shared, so wall time would measure the neighbours too).
 */
function watchBackends(db: SqlDb): Set<number> {
  const pids = new Set<number>();
  if (db instanceof PostgresDb) db.pool.on('connect', (client) => pids.add((client as unknown as { processID: number }).processID));
  return pids;
}

let runs = 0;
type Turns = Awaited<ReturnType<typeof turnsPerSecond>>;

/**
 * Turns per second through the runner, 16 conversations at once. `as`: 'slack', each turn as a Slack or
 * Discord turn runs, its event accepted into the store's inbox first and marked done after the save;
 * 'web', as a web chat turn runs, the conversation's outbox taken after it.
 */
export async function turnsPerSecond(db: SqlDb, env: { flows: FlowSet; understanding: Understanding; words: CentreWords }, seconds: number, as: 'engine' | 'slack' | 'web' = 'engine') {
  const backends = watchBackends(db);
  const store = await SqlStore.open(db);
  const runner = new ConversationRunner({
    ...env,
    checks: instantChecks,
    store,
    tickets: { open: async () => ({ reference: 'HD-BENCH1' }) },
    clock: systemClock,
    codeKey: 'bench',
    idleMs: 3600_000,
    log: silentLogger,
  });
  const texts = ["my code doesn't work", '123456', '654321', 'skip', 'menu'];
  const run = ++runs;
  let turns = 0;
  let n = 0;
  const tripsBefore = roundTrips;
  const serverCpu = () => [...backends].reduce((sum, pid) => sum + processCpuMs(pid), 0);
  // Backends that connected for the migrations count from here (a backend connecting later starts near 0).
  const serverBefore = serverCpu();
  const nodeBefore = process.cpuUsage();
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  // 16 people at once, each a conversation of their own.
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < deadline) {
        const id = `web:bench-${run}-${n++}`;
        const events: Array<EngineEvent & ChatEvent> = [{ type: 'start' }, ...texts.map((text) => ({ type: 'text' as const, text }))];
        for (const [i, event] of events.entries()) {
          const key = `slack:${id}-${i}`;
          if (as === 'slack' && !(await store.accept(key, { conversationId: id, event, to: { channel: 'D1', user: 'U1' } }))) throw new Error(`${key} accepted twice`);
          await runner.turn(id, event, i === 0 ? { subject: { user: 'alice' } } : {});
          if (as === 'slack') await store.done(key);
          if (as === 'web') await store.take(id);
        }
        turns += events.length;
      }
    }),
  );
  const rate = turns / ((performance.now() - started) / 1000);
  const node = process.cpuUsage(nodeBefore);
  const server = serverCpu() - serverBefore;
  const trips = roundTrips - tripsBefore;
  await store.close();
  return {
    turnsPerSecond: Math.round(rate),
    roundTripsPerTurn: round(trips / turns),
    nodeCpuMsPerTurn: round((node.user + node.system) / 1000 / turns, 3),
    serverCpuMsPerTurn: round(server / turns, 3),
  };
}

export async function replicasBench(env: { flows: FlowSet; understanding: Understanding; words: CentreWords }) {
  const iso = isolated();
  try {
    // 1. Turns per second through the runner, SQLite next to PostgreSQL.
    // A second of SQLite first so both stores run on a warmed-up engine; then alternately, twice each,
    // so neither store gets the quieter machine; the better of each.
    const loadBefore = os.loadavg()[0]!;
    await turnsPerSecond(SqliteDb.open(tmp()), env, 1);
    const sqliteRuns = [];
    const postgresRuns = [];
    for (let i = 0; i < 2; i++) {
      sqliteRuns.push(await turnsPerSecond(SqliteDb.open(tmp()), env, 3));
      postgresRuns.push(await turnsPerSecond(await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: silentLogger }), env, 3));
    }
    // The same as Slack and Discord turns run (the event accepted into the inbox first, marked done
    // after), and as web turns run (the conversation's outbox taken after).
    const kinds = { slack: { sqlite: [] as Turns[], postgres: [] as Turns[] }, web: { sqlite: [] as Turns[], postgres: [] as Turns[] } };
    for (let i = 0; i < 2; i++) {
      for (const as of ['slack', 'web'] as const) {
        kinds[as].sqlite.push(await turnsPerSecond(SqliteDb.open(tmp()), env, 2, as));
        kinds[as].postgres.push(await turnsPerSecond(await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: silentLogger }), env, 2, as));
      }
    }
    const best = <T extends { turnsPerSecond: number }>(runs: T[]) => runs.reduce((a, b) => (b.turnsPerSecond > a.turnsPerSecond ? b : a));
    const sqlite = best(sqliteRuns);
    const postgres = best(postgresRuns);
    const side = (runs: { sqlite: Turns[]; postgres: Turns[] }) => {
      const [l, p] = [best(runs.sqlite), best(runs.postgres)];
      return {
        sqlite: l.turnsPerSecond,
        postgres: p.turnsPerSecond,
        ratio: round(p.turnsPerSecond / l.turnsPerSecond),
        postgresRoundTripsPerTurn: p.roundTripsPerTurn,
        sqliteCpuMsPerTurn: l.nodeCpuMsPerTurn,
        postgresNodeCpuMsPerTurn: p.nodeCpuMsPerTurn,
        postgresServerCpuMsPerTurn: p.serverCpuMsPerTurn,
      };
    };
    const loadAverage = round(Math.max(loadBefore, os.loadavg()[0]!), 1);
    const pgbench = pgbenchSimpleUpdate(DATABASE_URL);

    // 2. The surge, spread over three replicas sharing Redis (cache, in-flight calls, limiter).
    const demo = new DemoEnrollmentBackend({ clock: systemClock, extraUsers: benchUsers() });
    await demo.start();
    const config = (extra: Record<string, string> = {}) =>
      loadConfig({
        ...iso.env,
        DATA_DIR: tmp(),
        ENROLLMENT_API_URL: demo.url,
        ENROLLMENT_API_TOKEN: demo.token,
        DNS_SERVERS: '127.0.0.1:9',
        DNS_TIMEOUT_MS: '200',
        NTP_SERVERS: '',
        LOG_LEVEL: 'silent',
        PORT: '0',
        ...extra,
      });
    const three: Helpdesk[] = [];
    for (let i = 0; i < 3; i++) three.push(await createHelpdesk(config({ REPLICA_NAME: `bench${i}` }), { log: silentLogger, watch: false }));
    const before = demo.totalRequests();
    const started = performance.now();
    await Promise.all(Array.from({ length: 1000 }, (_, i) => three[i % 3]!.diagnose({ user: `user${i % 100}` })));
    const surgeMs = performance.now() - started;
    const surgeCalls = demo.totalRequests() - before;

    // 3. A clock measurement posted to replica B, the page long-polling replica A.
    const [a, b] = [three[0]!, three[1]!];
    const webA = await startWebFor(a);
    const webB = await startWebFor(b);
    const crossings: number[] = [];
    for (let i = 0; i < 30; i++) {
      let cookie = '';
      const turn = async (event: unknown) => {
        const res = await fetch(`${webA.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ event, lang: 'en' }) });
        cookie ||= (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
        return JSON.stringify(await res.json());
      };
      await turn({ type: 'choice', id: 'code_rejected' });
      const token = /\/c\/([^/"]+)/.exec(await turn({ type: 'text', text: 'skip' }))?.[1];
      const polled = fetch(`${webA.url}/api/chat/poll?wait=10`, { headers: { cookie } }).then((r) => r.json());
      await new Promise((r) => setTimeout(r, 50));
      const sent = performance.now();
      await fetch(`${webB.url}/api/clock/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetMs: 2000, errorMs: 20 }) });
      await polled;
      crossings.push(performance.now() - sent);
    }
    await webA.close();
    await webB.close();
    for (const h of three) await h.close();
    await demo.stop();
    return {
      engineTurnsPerSecond: {
        sqlite: sqlite.turnsPerSecond,
        postgres: postgres.turnsPerSecond,
        ratio: round(postgres.turnsPerSecond / sqlite.turnsPerSecond),
        postgresRoundTripsPerTurn: postgres.roundTripsPerTurn,
        // CPU per turn: this process's, and (PostgreSQL) its server backends'. On a machine whose cores
        // the server shares, turns per CPU millisecond is what the two stores can do when it is busy.
        sqliteCpuMsPerTurn: sqlite.nodeCpuMsPerTurn,
        postgresNodeCpuMsPerTurn: postgres.nodeCpuMsPerTurn,
        postgresServerCpuMsPerTurn: postgres.serverCpuMsPerTurn,
        cpuRatio: round(sqlite.nodeCpuMsPerTurn / (postgres.nodeCpuMsPerTurn + postgres.serverCpuMsPerTurn)),
        loadAverage,
        cores: os.availableParallelism(),
        pgbenchSimpleUpdateTps: pgbench ?? null,
      },
      slackTurnsPerSecond: side(kinds.slack),
      webTurnsPerSecond: side(kinds.web),
      surge: { diagnoses: 1000, distinctUsers: 100, replicas: 3, enrollmentCalls: surgeCalls, callsPerUser: round(surgeCalls / 100), totalMs: Math.round(surgeMs) },
      crossReplicaReply: { samples: crossings.length, medianMs: round(quantile(crossings, 0.5)), p95Ms: round(quantile(crossings, 0.95)) },
    };
  } finally {
    await iso.drop();
  }
}

const engineLine = (e: Awaited<ReturnType<typeof replicasBench>>['engineTurnsPerSecond']) =>
  [
    `replicas: engine through the runner with the store, 16 conversations at once (load average ${e.loadAverage} on ${e.cores} cores):`,
    `SQLite ${e.sqlite} turns/s, PostgreSQL ${e.postgres} turns/s (PostgreSQL/SQLite ${e.ratio}x, goal >= 0.5) at ${e.postgresRoundTripsPerTurn} round trips per turn;`,
    `CPU per turn: SQLite ${e.sqliteCpuMsPerTurn} ms, PostgreSQL ${round(e.postgresNodeCpuMsPerTurn + e.postgresServerCpuMsPerTurn, 3)} ms (${e.postgresNodeCpuMsPerTurn} node + ${e.postgresServerCpuMsPerTurn} server; PostgreSQL/SQLite by CPU ${e.cpuRatio}x);`,
    `yardstick: pgbench simple-update (-N -c 16 -j 2 -T 10) ${e.pgbenchSimpleUpdateTps ?? 'not installed'} transactions/s on the same server`,
  ].join(' ');

const sideLine = (what: string, t: Awaited<ReturnType<typeof replicasBench>>['webTurnsPerSecond']) =>
  `replicas: the same ${what}: SQLite ${t.sqlite} turns/s, PostgreSQL ${t.postgres} turns/s (${t.ratio}x) at ${t.postgresRoundTripsPerTurn} round trips per turn; CPU per turn: SQLite ${t.sqliteCpuMsPerTurn} ms, PostgreSQL ${t.postgresNodeCpuMsPerTurn} node + ${t.postgresServerCpuMsPerTurn} server`;

export const replicasLine = (r: Awaited<ReturnType<typeof replicasBench>>) =>
  [
    engineLine(r.engineTurnsPerSecond),
    sideLine('as Slack and Discord turns (each event accepted into the inbox first, marked done after)', r.slackTurnsPerSecond),
    sideLine("as web turns (the conversation's outbox taken after each)", r.webTurnsPerSecond),
    `replicas: ${r.surge.diagnoses} diagnoses of ${r.surge.distinctUsers} users over ${r.surge.replicas} replicas sharing Redis -> ${r.surge.enrollmentCalls} enrollment API calls (${r.surge.callsPerUser} per user, goal <= 2), ${r.surge.totalMs} ms`,
    `replicas: a clock measurement on replica B reaches the page long-polling replica A in median ${r.crossReplicaReply.medianMs} ms, p95 ${r.crossReplicaReply.p95Ms} ms (${r.crossReplicaReply.samples} samples, PostgreSQL NOTIFY)`,
  ].join('\n');

