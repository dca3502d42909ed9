// The retention policy applied to the store: every kind of record, in batches of a few hundred rows
// with a pause between them, so a purge of a large backlog never holds SQLite (one connection, run
// synchronously) or a PostgreSQL lock for long. Addresses are stripped in JS, one row at a time with
// the version check a turn uses, so a turn saving meanwhile wins and its row is seen on a later pass.
import { PURGE_KINDS, type PurgeCounts, type PurgeKind, type RetentionPolicy } from '../../ports/retention.ts';
import { holdsAddress, minimiseAddresses, truncateAddressesInText } from '../../privacy/minimise.ts';
import type { Dialect, SqlDb } from './db.ts';
import { EFFECT_TURN_KEEP_MS } from './effects.ts';

/** Rows per batch: in `npm run bench` one costs at most ~12 ms of CPU (SQLite, or the PostgreSQL server). */
export const PURGE_BATCH = 200;

const ROW: Record<Dialect, string> = { sqlite: 'rowid', postgres: 'ctid' };

const SILENT: Record<Dialect, string> = {
  sqlite: `NOT EXISTS (SELECT 1 FROM json_each(snapshot, '$.transcript') WHERE json_extract(value, '$[1]') = 'u')`,
  postgres: `NOT EXISTS (SELECT 1 FROM jsonb_array_elements(snapshot->'transcript') e WHERE e->>1 = 'u')`,
};
const HAS_CODES: Record<Dialect, string> = {
  sqlite: `json_array_length(snapshot, '$.codes') > 0`,
  postgres: `jsonb_array_length(snapshot->'codes') > 0`,
};
const NO_CODES: Record<Dialect, string> = {
  sqlite: `json_set(snapshot, '$.codes', json('[]'))`,
  postgres: `jsonb_set(snapshot, '{codes}', '[]'::jsonb)`,
};

/** Up to here (ms, exclusive) a scan of conversations by `updated_at` has looked at every row. */
export type ScanMarks = Partial<Record<'silent' | 'codes' | 'addresses' | 'ticket-addresses', number>>;

/** The key a walk through conversations goes by after `updated_at`: SQLite's index holds the rowid, PostgreSQL sorts the id. */
const WALK: Record<Dialect, string> = { sqlite: 'rowid', postgres: 'id' };
/** A key less than every real one of WALK (rowids start at 1; ids are never empty). */
const FIRST: Record<Dialect, number | string> = { sqlite: 0, postgres: '' };
/** `column` is one of a list passed as parameter $n (an array on PostgreSQL, JSON text on SQLite). */
const ONE_OF: Record<Dialect, (column: string, n: number) => string> = {
  sqlite: (column, n) => `${column} IN (SELECT value FROM json_each($${n}))`,
  postgres: (column, n) => `${column} = ANY($${n})`,
};
const list = (d: Dialect, keys: unknown[]) => (d === 'sqlite' ? JSON.stringify(keys) : keys);
/**
 * PostgreSQL, for the purge's transactions only: their commits do not wait for the disk, so a turn's
 * commit does not queue behind hundreds of them. A crash loses at most the last batches, which the
 * next purge does again.
 */
const LIGHT = "SELECT set_config('synchronous_commit', 'off', true)";

/**
 * One batch: on PostgreSQL in a transaction of its own (LIGHT), on SQLite as is (each statement runs
 * synchronously). Then a pause as long as the batch took (at most 100 ms), so turns get at least
 * half of the database and of the event loop while a backlog is purged.
 */
async function batch<T>(db: SqlDb, work: (db: SqlDb) => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out =
    db.dialect === 'postgres'
      ? await db.transaction(async (tx) => {
          await tx.get(LIGHT);
          return work(tx);
        })
      : await work(db);
  const took = performance.now() - t0;
  await new Promise<void>((resolve) => (took < 1 ? setImmediate(resolve) : setTimeout(resolve, Math.min(took, 100))));
  return out;
}

/**
 * Deletes the rows of `table` whose `column` is before `cutoff`, oldest first, walking the column's
 * index up from where the last batch ended: no batch reads again what an earlier one deleted (on
 * PostgreSQL those stay as dead rows until a vacuum, and a scan from the start crossed them all).
 * PostgreSQL skips rows a turn holds: a turn never waits for the purge, nor the purge for a turn.
 */
async function deleteOld(db: SqlDb, table: string, column: string, cutoff: number): Promise<number> {
  const row = ROW[db.dialect];
  const lock = db.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  const statement = `DELETE FROM ${table} WHERE ${row} IN (SELECT ${row} FROM ${table} WHERE ${column} < $1 AND ${column} >= $2 ORDER BY ${column} LIMIT ${PURGE_BATCH} ${lock})
    AND ${column} < $1 RETURNING ${column} AS at`;
  let total = 0;
  let from = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const gone = await batch(db, (tx) => tx.all<{ at: number }>(statement, [cutoff, from]));
    total += gone.length;
    if (gone.length < PURGE_BATCH) return total;
    from = Math.max(from, ...gone.map((g) => Number(g.at)));
  }
}

/**
 * Walks the conversations last written in [from, cutoff), PURGE_BATCH at a time in index order, and
 * hands each window's rows (with `columns`) to `apply`, which runs in the same batch; the sum of what
 * it counted. Windows are by position, not by what matches, so no batch scans far for its rows.
 */
async function walkConversations<R extends { k: unknown; updated_at: number }>(
  db: SqlDb,
  cutoff: number,
  from: number,
  columns: string,
  apply: (tx: SqlDb, rows: R[]) => Promise<number>,
): Promise<number> {
  const key = WALK[db.dialect];
  const select = `SELECT ${key} AS k, updated_at${columns ? `, ${columns}` : ''} FROM conversations
    WHERE updated_at < $1 AND updated_at >= $2 AND (updated_at > $2 OR ${key} > $3) ORDER BY updated_at, ${key} LIMIT ${PURGE_BATCH}`;
  let total = 0;
  let after: { at: number; k: unknown } = { at: from, k: FIRST[db.dialect] };
  for (;;) {
    const rows = await batch(db, async (tx) => {
      const window = await tx.all<R>(select, [cutoff, after.at, after.k]);
      if (window.length) total += await apply(tx, window);
      return window;
    });
    const last = rows.at(-1);
    if (!last || rows.length < PURGE_BATCH) return total;
    after = { at: Number(last.updated_at), k: last.k };
  }
}

/** Runs `statement` ($1 = cutoff, $2 = the window's keys) on each window of conversations in [from, cutoff). */
function perWindow(db: SqlDb, statement: string, cutoff: number, from: number): Promise<number> {
  return walkConversations(db, cutoff, from, '', (tx, rows) => tx.run(statement, [cutoff, list(db.dialect, rows.map((r) => r.k))]));
}

/** Conversations last written in [from, cutoff) that still hold a raw address lose it. */
function stripConversationAddresses(db: SqlDb, cutoff: number, from: number): Promise<number> {
  return walkConversations<{ k: unknown; updated_at: number; id: string; snapshot: unknown; version: number }>(db, cutoff, from, 'id, snapshot, version', async (tx, rows) => {
    let n = 0;
    for (const r of rows) {
      const s = (typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) : r.snapshot) as Parameters<typeof minimiseAddresses>[0];
      if (!s?.subject || !Array.isArray(s.findings) || !holdsAddress(s)) continue;
      // The version check a turn uses: a turn that saved meanwhile wins, and its row is seen on a later pass.
      n += await tx.run('UPDATE conversations SET snapshot = $1, version = version + 1 WHERE id = $2 AND version = $3', [JSON.stringify(minimiseAddresses(s)), r.id, r.version]);
    }
    return n;
  });
}

interface TicketBody {
  subject: { ip?: string };
  findings: Array<{ id: string; data: Record<string, unknown>; summary?: string }>;
  transcript: string[];
}

/**
 * Walks the tickets delivered in [from, cutoff), PURGE_BATCH at a time by (delivered_at, reference),
 * each window handed to `apply` in the same batch; the sum of what it counted.
 */
async function walkDeliveredTickets(db: SqlDb, cutoff: number, from: number, apply: (tx: SqlDb, rows: Array<{ reference: string; body: string }>) => Promise<number>): Promise<number> {
  let total = 0;
  let after = { at: from, ref: '' };
  for (;;) {
    const rows = await batch(db, async (tx) => {
      const window = await tx.all<{ reference: string; body: string; delivered_at: number }>(
        `SELECT reference, body, delivered_at FROM tickets WHERE delivered_at IS NOT NULL AND delivered_at < $1
         AND delivered_at >= $2 AND (delivered_at > $2 OR reference > $3) ORDER BY delivered_at, reference LIMIT ${PURGE_BATCH}`,
        [cutoff, after.at, after.ref],
      );
      if (window.length) total += await apply(tx, window);
      return window;
    });
    const last = rows.at(-1);
    if (!last || rows.length < PURGE_BATCH) return total;
    after = { at: Number(last.delivered_at), ref: last.reference };
  }
}

/** Delivered tickets (delivered in [from, cutoff)) keep a truncated address only: staff have had the full one. */
function stripTicketAddresses(db: SqlDb, cutoff: number, from: number): Promise<number> {
  return walkDeliveredTickets(db, cutoff, from, async (tx, rows) => {
    let n = 0;
    for (const r of rows) {
      const t = JSON.parse(r.body) as TicketBody;
      const lean = minimiseAddresses({ subject: t.subject, findings: t.findings });
      const out = {
        ...t,
        subject: lean.subject,
        findings: t.findings.map((f, i) => ({ ...f, data: lean.findings[i]?.data ?? f.data, ...(typeof f.summary === 'string' ? { summary: truncateAddressesInText(f.summary) } : {}) })),
        transcript: t.transcript.map(truncateAddressesInText),
      };
      const body = JSON.stringify(out);
      if (body !== r.body) n += await tx.run('UPDATE tickets SET body = $1 WHERE reference = $2', [body, r.reference]);
    }
    return n;
  });
}

/** Tickets delivered to every sink before `cutoff`, with their delivery records. */
function purgeTickets(db: SqlDb, cutoff: number): Promise<number> {
  return walkDeliveredTickets(db, cutoff, Number.MIN_SAFE_INTEGER, async (tx, rows) => {
    const refs = list(tx.dialect, rows.map((r) => r.reference));
    await tx.run(`DELETE FROM ticket_deliveries WHERE ${ONE_OF[tx.dialect]('reference', 1)}`, [refs]);
    return tx.run(`DELETE FROM tickets WHERE ${ONE_OF[tx.dialect]('reference', 1)} AND delivered_at IS NOT NULL`, [refs]);
  });
}

export async function purge(db: SqlDb, policy: RetentionPolicy, now: number, marks: ScanMarks): Promise<PurgeCounts> {
  const counts = Object.fromEntries(PURGE_KINDS.map((k) => [k, 0])) as PurgeCounts;
  const add = (kind: PurgeKind, n: number) => (counts[kind] += n);
  const d = db.dialect;
  const conversationsCutoff = now - policy.conversations;
  const scan = async (mark: keyof ScanMarks, window: number, work: (cutoff: number, from: number) => Promise<number>) => {
    const cutoff = now - window;
    // What is older than the conversations' window was deleted just before (a row a turn held then
    // was written since, so it is newer): a walk starts after it, not across the rows just deleted.
    const n = await work(cutoff, Math.max(marks[mark] ?? 0, mark === 'ticket-addresses' ? 0 : conversationsCutoff));
    marks[mark] = Math.max(marks[mark] ?? 0, cutoff);
    return n;
  };

  add('conversations', await deleteOld(db, 'conversations', 'updated_at', conversationsCutoff));
  add('quarantine', await deleteOld(db, 'quarantine', 'at', conversationsCutoff));
  add('watches', await deleteOld(db, 'watches', 'created_at', conversationsCutoff));
  add(
    'silent-conversations',
    await scan('silent', policy.silentConversations, (cutoff, from) =>
      // `updated_at < $1` again: a row a turn wrote since the window was read is not old any more.
      perWindow(db, `DELETE FROM conversations WHERE ${ONE_OF[d](WALK[d], 2)} AND updated_at < $1 AND ${SILENT[d]}`, cutoff, from),
    ),
  );
  add(
    'codes',
    await scan('codes', policy.codes, (cutoff, from) =>
      perWindow(db, `UPDATE conversations SET snapshot = ${NO_CODES[d]}, version = version + 1 WHERE ${ONE_OF[d](WALK[d], 2)} AND updated_at < $1 AND ${HAS_CODES[d]}`, cutoff, from),
    ),
  );
  add('addresses', await scan('addresses', policy.addresses, (cutoff, from) => stripConversationAddresses(db, cutoff, from)));
  add('addresses', await scan('ticket-addresses', policy.addresses, (cutoff, from) => stripTicketAddresses(db, cutoff, from)));
  add('tickets', await purgeTickets(db, now - policy.tickets));
  // The figures of how conversations ended are kept longer than what anyone typed in them.
  add('outcomes', await deleteOld(db, 'outcomes', 'ended_at', now - policy.outcomes));
  add('outcome-texts', await deleteOld(db, 'outcome_unclear', 'at', conversationsCutoff));
  add('outcome-texts', await db.run('UPDATE outcomes SET comment = NULL WHERE comment IS NOT NULL AND ended_at < $1', [conversationsCutoff]));
  add('outbox', await deleteOld(db, 'outbox', 'created_at', now - policy.outbox));
  add('presence', await deleteOld(db, 'presence', 'seen_at', now - policy.outbox));
  add('events', await deleteOld(db, 'seen_events', 'at', now - policy.events));
  // An expired link still says "expired" (not "unknown") for as long as an unanswered reply is kept.
  add('links', await deleteOld(db, 'links', 'expires_at', now - policy.outbox));
  add('proofs', (await deleteOld(db, 'proof_codes', 'expires_at', now)) + (await deleteOld(db, 'proof_trust', 'until', now)));
  add('effects', (await deleteOld(db, 'effects', 'at', now - EFFECT_TURN_KEEP_MS)) + (await deleteOld(db, 'effect_turns', 'at', now - EFFECT_TURN_KEEP_MS)));
  if (d === 'postgres') add('rate-limits', await deleteOld(db, 'rate_limits', 'expire', now - 3600_000));
  return counts;
}
