// Retention figures: a purge of 100 000 conversations past their window, on SQLite and on
// PostgreSQL, while turns (a conversation's load and save, as the runner does them) go on; turn p50,
// p99 and max during the purge next to without one. On a busy machine a turn's time is mostly the
// machine's, so the purge's own share is measured too: the longest batch (a PostgreSQL transaction,
// during which its rows are locked, with the server's CPU time for it; a SQLite statement, during which
// the event loop is held, with its CPU time). And what SQLite's secure_delete costs a turn.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteDb, type SqlDb } from '../src/adapters/sql/db.ts';
import { PostgresDb } from '../src/adapters/sql/postgres.ts';
import { SqlStore } from '../src/adapters/sql/store.ts';
import { purge } from '../src/adapters/sql/purge.ts';
import { newSnapshot, type Snapshot } from '../src/engine/snapshot.ts';
import { silentLogger } from '../src/ports/logger.ts';
import type { RetentionPolicy } from '../src/ports/retention.ts';
import { DATABASE_URL, isolated } from '../test/helpers/shared-services.ts';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const DAY = 86_400_000;
const POLICY: RetentionPolicy = { conversations: 30 * DAY, silentConversations: 3_600_000, addresses: DAY, tickets: 90 * DAY, outbox: DAY, events: 2 * DAY, codes: 600_000, mailFiles: DAY, outcomes: 400 * DAY };
const OLD = 100_000;

/** A conversation of a typical size: a dozen turns of transcript and two findings. */
function sample(id: string, at: number): Snapshot {
  const s = newSnapshot(id, at, { subject: { user: 'user1', ip: '192.0.2.10' } });
  s.transcript = Array.from({ length: 12 }, (_, i) => [i * 5, i % 2 ? 'b' : 'u', i % 2 ? 'code_rejected/clock' : 'my code does not work on rackham since this morning'] as [number, 'u' | 'b', string]);
  s.findings = [
    { id: 'account', status: 'pass', code: 'account.found', data: { username: 'user1', status: 'active' }, at },
    { id: 'network', status: 'pass', code: 'network.exempt', data: { ip: '192.0.2.10', ptr: ['host.example.se'], confirmedName: 'host.example.se', twoFactorRequired: false }, at },
  ];
  return s;
}

async function fill(db: SqlDb, now: number): Promise<void> {
  const old = JSON.stringify(sample('web:x', now - 40 * DAY));
  const at = now - 40 * DAY;
  if (db.dialect === 'postgres') {
    await db.run(`INSERT INTO conversations (id, snapshot, updated_at, version) SELECT 'web:old' || g, $1::jsonb, $2::bigint + g, 1 FROM generate_series(1, ${OLD}) g`, [old, at]);
  } else {
    await db.run(
      `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${OLD}) INSERT INTO conversations (id, snapshot, updated_at, version) SELECT 'web:old' || n, $1, $2 + n, 1 FROM g`,
      [old, at],
    );
  }
}

/** Turns one after another, timed from the moment each is due, (200 live conversations in turn) until `until` says stop; each turn's wall time. */
async function turns(store: SqlStore, until: () => boolean, min = 0): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; until() || i < min; i++) {
    const id = `web:live${i % 200}`;
    const t0 = performance.now();
    // Turns arrive as requests do, from the event loop: a turn due while a purge batch holds the
    // database waits for it, and that wait is part of its time.
    await new Promise((r) => setImmediate(r));
    const loaded = await store.load(id);
    const s = loaded.kind === 'found' ? loaded.snapshot : sample(id, Date.now());
    s.updatedAt = Date.now();
    s.transcript = [...s.transcript.slice(-20), [i, 'u', 'another message']];
    await store.save(s, loaded.kind === 'found' ? loaded.version : 0);
    out.push(performance.now() - t0);
  }
  return out;
}

interface Batch {
  ms: number;
  cpuMs: number;
}

/**
 * The store's database, timing what the purge does at a time: on PostgreSQL each batch is one
 * transaction; on SQLite each statement runs synchronously, holding the event loop (its CPU time too).
 */
function timed(db: SqlDb, batches: Batch[]): SqlDb {
  const time =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      try {
        return await f(...a);
      } finally {
        const c = process.cpuUsage(c0);
        batches.push({ ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 });
      }
    };
  if (db.dialect === 'postgres') {
    // The server is on this machine: its backend's CPU time for the batch, from /proc (ns), commit included.
    const transaction = async <T>(w: (tx: SqlDb) => Promise<T>): Promise<T> => {
      let pid = 0;
      let c0 = 0;
      const t0 = performance.now();
      try {
        return await db.transaction(async (tx) => {
          pid = Number((await tx.get<{ pid: number }>('SELECT pg_backend_pid() AS pid'))?.pid);
          c0 = onCpu(pid);
          return w(tx);
        });
      } finally {
        batches.push({ ms: performance.now() - t0, cpuMs: (onCpu(pid) - c0) / 1e6 });
      }
    };
    return { ...bind(db), transaction };
  }
  return { ...bind(db), all: time((q, p) => db.all(q, p)), get: time((q, p) => db.get(q, p)), run: time((q, p) => db.run(q, p)), transaction: (w) => db.transaction(w) };
}

/** Nanoseconds process `pid` has run on a CPU (Linux schedstat); 0 where that cannot be read. */
function onCpu(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}

const bind = (db: SqlDb): SqlDb => ({
  dialect: db.dialect,
  all: (q, p) => db.all(q, p),
  get: (q, p) => db.get(q, p),
  run: (q, p) => db.run(q, p),
  transaction: (w) => db.transaction(w),
  publish: (c, p) => db.publish(c, p),
  subscribe: (c, l) => db.subscribe(c, l),
  close: () => db.close(),
});

const figures = (xs: number[]) => ({ p50Ms: round(quantile(xs, 0.5)), p99Ms: round(quantile(xs, 0.99)), maxMs: round(Math.max(...xs)), turns: xs.length });

export async function purgeOn(name: 'SQLite' | 'PostgreSQL') {
  const iso = name === 'PostgreSQL' ? isolated() : undefined;
  const db: SqlDb = iso ? await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: silentLogger }) : SqliteDb.open(mkdtempSync(path.join(os.tmpdir(), '2fa-bench-')));
  const store = await SqlStore.open(db);
  try {
    const now = Date.now();
    await fill(db, now);
    // The fill's write-ahead log is folded in first, so neither measurement pays for it.
    if (db instanceof SqliteDb) await db.checkpoint();
    await turns(store, () => false, 400);
    const without = await turns(store, () => false, 3000);
    let done = false;
    const started = performance.now();
    const batches: Batch[] = [];
    const purging = purge(timed(db, batches), POLICY, now, {}).finally(() => (done = true));
    const during = await turns(store, () => !done);
    const counts = await purging;
    const purgeMs = performance.now() - started;
    let secureDelete: { onP50Ms: number; offP50Ms: number } | undefined;
    if (db instanceof SqliteDb) {
      const on = await turns(store, () => false, 3000);
      db.raw.pragma('secure_delete = OFF');
      const off = await turns(store, () => false, 3000);
      db.raw.pragma('secure_delete = ON');
      secureDelete = { onP50Ms: round(quantile(on, 0.5), 3), offP50Ms: round(quantile(off, 0.5), 3) };
    }
    const ms = batches.map((b) => b.ms);
    const batch = { n: batches.length, p50Ms: round(quantile(ms, 0.5)), p99Ms: round(quantile(ms, 0.99)), maxMs: round(Math.max(...ms)), maxCpuMs: round(Math.max(...batches.map((b) => b.cpuMs))) };
    return { store: name, purged: counts.conversations, purgeMs: Math.round(purgeMs), batch, without: figures(without), during: figures(during), ...(secureDelete ? { secureDelete } : {}) };
  } finally {
    await store.close();
    await iso?.drop();
  }
}

export async function purgeBench() {
  const out = [await purgeOn('SQLite')];
  try {
    out.push(await purgeOn('PostgreSQL'));
  } catch (err) {
    process.stderr.write(`purge bench on PostgreSQL skipped: ${(err as Error).message}\n`);
  }
  return out;
}

export function purgeLine(rows: Awaited<ReturnType<typeof purgeBench>>): string {
  return rows
    .map(
      (r) =>
        `purge of ${r.purged} conversations on ${r.store} in ${r.purgeMs} ms, ${r.batch.n} ${r.store === 'SQLite' ? 'statements' : 'transactions'}: each p50 ${r.batch.p50Ms} ms, p99 ${r.batch.p99Ms} ms, max ${r.batch.maxMs} ms (goal: <= 50 ms)` +
        ` (CPU: max ${r.batch.maxCpuMs} ms${r.store === 'SQLite' ? '' : ' in the server'})` +
        `; turn p50 ${r.during.p50Ms} ms, p99 ${r.during.p99Ms} ms, max ${r.during.maxMs} ms during it (${r.during.turns} turns) vs p50 ${r.without.p50Ms} ms, p99 ${r.without.p99Ms} ms, max ${r.without.maxMs} ms without` +
        (r.secureDelete ? `; secure_delete: turn p50 ${r.secureDelete.onP50Ms} ms on vs ${r.secureDelete.offP50Ms} ms off (${round(r.secureDelete.onP50Ms / r.secureDelete.offP50Ms)}x)` : ''),
    )
    .join('\n');
}
