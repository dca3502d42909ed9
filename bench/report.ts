// `npm run bench -- --report`: `2fa-helpdesk report --since 30d` over 100 000 conversations, on SQLite
// and PostgreSQL. Seeded: 100 000 quiet conversations, each with its outcome (a mix of topics,
// languages, outcomes, feedback, 30 000 messages the bot did not understand), settled once as the
// leader's housekeeping does. Timed: what the command does after opening the store, settling what went
// quiet since (nothing) and the report's queries; wall and this process's CPU.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteDb, type SqlDb } from '../src/adapters/sql/db.ts';
import { PostgresDb } from '../src/adapters/sql/postgres.ts';
import { SqlStore } from '../src/adapters/sql/store.ts';
import { SqlOutcomes } from '../src/adapters/sql/outcomes.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { DATABASE_URL, isolated } from '../test/helpers/shared-services.ts';

const N = 100_000;
const CHUNK = 5_000;
const DAY = 86_400_000;
const TOPICS = ['code_rejected', 'first_time_setup', 'token_not_active', 'nothing_received', 'need_two_factor', 'no_account', 'lost_device', null];
const KINDS = ['solved', 'solved', 'solved', 'handed', 'abandoned', 'abandoned', 'out_of_scope'];
const HOWS = ['confirmed', 'code', 'token', 'answered'];
const STEPS = ['code', 'clock', 'username', 'ask_time', 's3_scan'];

interface Seeded {
  conversations: unknown[][];
  outcomes: unknown[][];
  unclear: unknown[][];
}

function seedRows(now: number): Seeded {
  const conversations: unknown[][] = [];
  const outcomes: unknown[][] = [];
  const unclear: unknown[][] = [];
  for (let i = 0; i < N; i++) {
    const id = `web:bench-${i}`;
    const started = now - 2 * 3_600_000 - ((i * 7919) % (25 * DAY));
    const ended = started + 60_000 + ((i * 104_729) % 1_800_000);
    const topic = TOPICS[i % TOPICS.length]!;
    const kind = topic === null ? 'out_of_scope' : KINDS[i % KINDS.length]!;
    const lang = i % 3 ? 'en' : 'sv';
    conversations.push([id, JSON.stringify({ id, startedAt: started, transcript: [[0, 'u', 'x']] }), ended]);
    outcomes.push([
      id,
      started,
      ended,
      'web',
      lang,
      topic,
      kind,
      kind === 'solved' ? HOWS[i % HOWS.length]! : null,
      kind === 'abandoned' ? `${topic}/${STEPS[i % STEPS.length]}` : null,
      i % 5 === 0 ? (i % 10 === 0 ? 1 : 0) : null,
      i % 50 === 0 ? `comment ${i % 97}` : null,
    ]);
    if (i % 10 < 3) unclear.push([id, started, 0, lang, `message ${i % 400}`, ended]);
  }
  return { conversations, outcomes, unclear };
}

const INSERTS = {
  conversations: 'INSERT INTO conversations (id, snapshot, updated_at) VALUES ($1, $2, $3)',
  outcomes: `INSERT INTO outcomes (conversation, started_at, ended_at, channel, lang, topic, kind, how, step, helpful, comment)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
  unclear: 'INSERT INTO outcome_unclear (conversation, started_at, n, lang, text, at) VALUES ($1, $2, $3, $4, $5, $6)',
};

const PG_BULK = {
  conversations: `INSERT INTO conversations (id, snapshot, updated_at) SELECT * FROM unnest($1::text[], $2::jsonb[], $3::bigint[])`,
  outcomes: `INSERT INTO outcomes (conversation, started_at, ended_at, channel, lang, topic, kind, how, step, helpful, comment)
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::smallint[], $11::text[])`,
  unclear: `INSERT INTO outcome_unclear (conversation, started_at, n, lang, text, at) SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::bigint[])`,
};

async function seed(db: SqlDb, rows: Seeded): Promise<void> {
  for (const table of ['conversations', 'outcomes', 'unclear'] as const) {
    const all = rows[table];
    for (let i = 0; i < all.length; i += CHUNK) {
      const chunk = all.slice(i, i + CHUNK);
      if (db.dialect === 'postgres') await db.run(PG_BULK[table], chunk[0]!.map((_, c) => chunk.map((r) => r[c])));
      else await db.transaction(async (tx) => {
        for (const r of chunk) await tx.run(INSERTS[table], r);
      });
    }
  }
  if (db.dialect === 'postgres') await db.run('ANALYZE');
}

export interface ReportFigure {
  store: string;
  conversations: number;
  /** The housekeeping's first pass over every quiet conversation (once; later passes look only at the new ones). */
  firstSettleMs: number;
  settleMs: number;
  reportMs: number;
  /** This process's CPU time for the report (on PostgreSQL the server's is apart). */
  cpuMs: number;
  totalMs: number;
  /** The report's own count of conversations, to show it read them all. */
  counted: number;
}

async function measure(name: string, db: SqlDb, now: number): Promise<ReportFigure> {
  const store = await SqlStore.open(db);
  await seed(db, seedRows(now));
  const outcomes = new SqlOutcomes(db);
  // The leader's housekeeping settles quiet conversations every 5 minutes: the first pass over all of them, timed apart.
  const f0 = performance.now();
  await outcomes.settleQuiet(now - 2 * 3_600_000);
  const firstSettleMs = Math.round(performance.now() - f0);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await outcomes.settleQuiet(now - 3_600_000);
  const t1 = performance.now();
  const report = await outcomes.report(now - 30 * DAY, now);
  const t2 = performance.now();
  const used = process.cpuUsage(cpu);
  await store.close();
  return {
    store: name,
    conversations: N,
    firstSettleMs,
    settleMs: Math.round(t1 - t0),
    reportMs: Math.round(t2 - t1),
    totalMs: Math.round(t2 - t0),
    cpuMs: Math.round((used.user + used.system) / 1000),
    counted: report.totals.reduce((n, f) => n + f.conversations, 0),
  };
}

export async function reportBench(): Promise<ReportFigure[]> {
  const now = Date.now();
  const sqlite = await measure('SQLite', SqliteDb.open(mkdtempSync(path.join(os.tmpdir(), '2fa-report-'))), now);
  const iso = isolated();
  try {
    const pg = await measure('PostgreSQL', await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: silentLogger }), now);
    return [sqlite, pg];
  } finally {
    await iso.drop();
  }
}

export const reportLines = (figures: ReportFigure[]) =>
  figures.map(
    (f) =>
      `report over ${f.conversations} conversations (${f.store}): ${f.totalMs} ms wall, ${f.cpuMs} ms CPU (settling what went quiet since the last pass ${f.settleMs} ms, the figures ${f.reportMs} ms; ${f.counted} counted); the housekeeping's first pass over all ${f.conversations} ${f.firstSettleMs} ms`,
  );
