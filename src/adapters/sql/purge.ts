// The retention policy applied to the store: every kind of record, in batches of a few hundred rows
// with a pause between them, so a purge of a large backlog never holds SQLite (one connection, run
// synchronously) or a PostgreSQL lock for long. Addresses are stripped in JS, one row at a time with
// the version check a turn uses, so a turn saving meanwhile wins and its row is seen on a later pass.
import { PURGE_KINDS, type PurgeCounts, type PurgeKind, type RetentionPolicy } from '../../ports/retention.ts';
import { holdsAddress, minimiseAddresses, truncateAddressesInText } from '../../privacy/minimise.ts';
import type { Dialect, SqlDb } from './db.ts';

/** Rows per statement: in `npm run bench`, 500 held SQLite up to 74 ms under load; 200 stays under 50. */
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

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Deletes rows matching `where` (its parameters from $1) a batch at a time; how many. */
async function deleteBatched(db: SqlDb, table: string, where: string, params: unknown[]): Promise<number> {
  const row = ROW[db.dialect];
  let total = 0;
  for (;;) {
    const n = await db.run(`DELETE FROM ${table} WHERE ${row} IN (SELECT ${row} FROM ${table} WHERE ${where} LIMIT ${PURGE_BATCH})`, params);
    total += n;
    if (n < PURGE_BATCH) return total;
    await pause();
  }
}

/**
 * Runs `statement` (which must make its rows stop matching, and takes $1 = cutoff, $2 = from) until
 * a batch is short. `from` skips what an earlier pass already looked at: rows only move forward in time.
 */
async function updateBatched(db: SqlDb, statement: string, cutoff: number, from: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.run(statement, [cutoff, from]);
    total += n;
    if (n < PURGE_BATCH) return total;
    await pause();
  }
}

/** Conversations last written in [from, cutoff) that still hold a raw address lose it. */
async function stripConversationAddresses(db: SqlDb, cutoff: number, from: number): Promise<number> {
  let total = 0;
  let after = { at: from - 1, id: '' };
  for (;;) {
    const rows = await db.all<{ id: string; snapshot: unknown; version: number; updated_at: number }>(
      `SELECT id, snapshot, version, updated_at FROM conversations WHERE updated_at < $1 AND (updated_at > $2 OR (updated_at = $2 AND id > $3))
       ORDER BY updated_at, id LIMIT ${PURGE_BATCH}`,
      [cutoff, after.at, after.id],
    );
    for (const r of rows) {
      const s = (typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) : r.snapshot) as Parameters<typeof minimiseAddresses>[0];
      if (!s?.subject || !Array.isArray(s.findings) || !holdsAddress(s)) continue;
      total += await db.run('UPDATE conversations SET snapshot = $1, version = version + 1 WHERE id = $2 AND version = $3', [JSON.stringify(minimiseAddresses(s)), r.id, r.version]);
    }
    const last = rows.at(-1);
    if (!last || rows.length < PURGE_BATCH) return total;
    after = { at: Number(last.updated_at), id: last.id };
    await pause();
  }
}

interface TicketBody {
  subject: { ip?: string };
  findings: Array<{ id: string; data: Record<string, unknown>; summary?: string }>;
  transcript: string[];
}

/** Delivered tickets (delivered in [from, cutoff)) keep a truncated address only: staff have had the full one. */
async function stripTicketAddresses(db: SqlDb, cutoff: number, from: number): Promise<number> {
  let total = 0;
  let after = { at: from - 1, ref: '' };
  for (;;) {
    const rows = await db.all<{ reference: string; body: string; delivered_at: number }>(
      `SELECT reference, body, delivered_at FROM tickets WHERE delivered_at IS NOT NULL AND delivered_at < $1
       AND (delivered_at > $2 OR (delivered_at = $2 AND reference > $3)) ORDER BY delivered_at, reference LIMIT ${PURGE_BATCH}`,
      [cutoff, after.at, after.ref],
    );
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
      if (body !== r.body) total += await db.run('UPDATE tickets SET body = $1 WHERE reference = $2', [body, r.reference]);
    }
    const last = rows.at(-1);
    if (!last || rows.length < PURGE_BATCH) return total;
    after = { at: Number(last.delivered_at), ref: last.reference };
    await pause();
  }
}

/** Tickets delivered to every sink before `cutoff`, with their delivery records. */
async function purgeTickets(db: SqlDb, cutoff: number): Promise<number> {
  let total = 0;
  for (;;) {
    const refs = await db.all<{ reference: string }>(`SELECT reference FROM tickets WHERE delivered_at IS NOT NULL AND delivered_at < $1 LIMIT ${PURGE_BATCH}`, [cutoff]);
    await db.transaction(async (tx) => {
      for (const { reference } of refs) {
        await tx.run('DELETE FROM ticket_deliveries WHERE reference = $1', [reference]);
        total += await tx.run('DELETE FROM tickets WHERE reference = $1', [reference]);
      }
    });
    if (refs.length < PURGE_BATCH) return total;
    await pause();
  }
}

export async function purge(db: SqlDb, policy: RetentionPolicy, now: number, marks: ScanMarks): Promise<PurgeCounts> {
  const counts = Object.fromEntries(PURGE_KINDS.map((k) => [k, 0])) as PurgeCounts;
  const add = (kind: PurgeKind, n: number) => (counts[kind] += n);
  const d = db.dialect;
  const scan = async (mark: keyof ScanMarks, window: number, work: (cutoff: number, from: number) => Promise<number>) => {
    const cutoff = now - window;
    const n = await work(cutoff, marks[mark] ?? 0);
    marks[mark] = Math.max(marks[mark] ?? 0, cutoff);
    return n;
  };

  const conversationsCutoff = now - policy.conversations;
  add('conversations', await deleteBatched(db, 'conversations', 'updated_at < $1', [conversationsCutoff]));
  add('quarantine', await deleteBatched(db, 'quarantine', 'at < $1', [conversationsCutoff]));
  add('watches', await deleteBatched(db, 'watches', 'created_at < $1', [conversationsCutoff]));
  add(
    'silent-conversations',
    await scan('silent', policy.silentConversations, (cutoff, from) =>
      updateBatched(
        db,
        // The outer `updated_at < $1` is checked again on a row a turn wrote meanwhile (PostgreSQL), so it is kept.
        `DELETE FROM conversations WHERE id IN (SELECT id FROM conversations WHERE updated_at < $1 AND updated_at >= $2 AND ${SILENT[d]} LIMIT ${PURGE_BATCH}) AND updated_at < $1`,
        cutoff,
        from,
      ),
    ),
  );
  add(
    'codes',
    await scan('codes', policy.codes, (cutoff, from) =>
      updateBatched(
        db,
        `UPDATE conversations SET snapshot = ${NO_CODES[d]}, version = version + 1
         WHERE id IN (SELECT id FROM conversations WHERE updated_at < $1 AND updated_at >= $2 AND ${HAS_CODES[d]} LIMIT ${PURGE_BATCH}) AND updated_at < $1`,
        cutoff,
        from,
      ),
    ),
  );
  add('addresses', await scan('addresses', policy.addresses, (cutoff, from) => stripConversationAddresses(db, cutoff, from)));
  add('addresses', await scan('ticket-addresses', policy.addresses, (cutoff, from) => stripTicketAddresses(db, cutoff, from)));
  add('tickets', await purgeTickets(db, now - policy.tickets));
  add('outbox', await deleteBatched(db, 'outbox', 'created_at < $1', [now - policy.outbox]));
  add('presence', await deleteBatched(db, 'presence', 'seen_at < $1', [now - policy.outbox]));
  add('events', await deleteBatched(db, 'seen_events', 'at < $1', [now - policy.events]));
  // An expired link still says "expired" (not "unknown") for as long as an unanswered reply is kept.
  add('links', await deleteBatched(db, 'links', 'expires_at < $1', [now - policy.outbox]));
  add('proofs', await deleteBatched(db, 'proof_codes', 'expires_at < $1', [now]));
  if (d === 'postgres') add('rate-limits', await deleteBatched(db, 'rate_limits', 'expire < $1', [now - 3600_000]));
  return counts;
}
