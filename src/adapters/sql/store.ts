// Conversations and the small shared state beside them, in SQLite or PostgreSQL through one SqlDb.
// A row that cannot be read is moved to a quarantine table, never deleted, and the person starts
// afresh. Every save names the version it read: a turn that lost a race is told, not silently lost.
import { HelpdeskError } from '../../errors.ts';
import type { Snapshot } from '../../engine/snapshot.ts';
import { parseSnapshot } from '../../engine/migrate.ts';
import type { ConversationLookup, ConversationStore, LoadOutcome, Outbox, SeenEvents } from '../../ports/store.ts';
import type { Dialect, SqlDb } from './db.ts';
import { migrate } from './migrations.ts';

/** The statements whose SQL differs between the two databases (JSON, mostly). */
const DIALECT: Record<Dialect, Record<'bySubject' | 'forgetCodes' | 'sweepSilent' | 'sweepOutbox', string>> = {
  sqlite: {
    bySubject: `SELECT snapshot FROM conversations WHERE id LIKE $1 AND (json_extract(snapshot, '$.subject.user') = $2 OR json_extract(snapshot, '$.subject.email') = $2)
      ORDER BY updated_at DESC LIMIT 1`,
    forgetCodes: `UPDATE conversations SET snapshot = json_set(snapshot, '$.codes', json('[]')), version = version + 1
      WHERE updated_at < $1 AND json_array_length(snapshot, '$.codes') > 0`,
    sweepSilent: `DELETE FROM conversations WHERE updated_at < $1
      AND NOT EXISTS (SELECT 1 FROM json_each(snapshot, '$.transcript') WHERE json_extract(value, '$[1]') = 'u')`,
    sweepOutbox: 'DELETE FROM outbox WHERE created_at < $1',
  },
  postgres: {
    bySubject: `SELECT snapshot FROM conversations WHERE id LIKE $1 AND (snapshot->'subject'->>'user' = $2 OR snapshot->'subject'->>'email' = $2)
      ORDER BY updated_at DESC LIMIT 1`,
    forgetCodes: `UPDATE conversations SET snapshot = jsonb_set(snapshot, '{codes}', '[]'::jsonb), version = version + 1
      WHERE updated_at < $1 AND jsonb_array_length(snapshot->'codes') > 0`,
    sweepSilent: `DELETE FROM conversations WHERE updated_at < $1
      AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(snapshot->'transcript') e WHERE e->>1 = 'u')`,
    sweepOutbox: 'DELETE FROM outbox WHERE created_at < $1',
  },
};

const OUTBOX_CHANNEL = 'outbox';
/** Replies kept for one conversation's page. */
const OUTBOX_LIMIT = 50;
/** A page that polls writes its presence at most this often. */
const PRESENCE_EVERY_MS = 30_000;

/** SQLite hands back JSON as text, PostgreSQL (jsonb) as a value. */
const fromJson = (raw: unknown): unknown => (typeof raw === 'string' ? JSON.parse(raw) : raw);

export class SqlStore implements ConversationStore, SeenEvents, ConversationLookup, Outbox {
  private readonly sql;
  private readonly touched = new Map<string, number>();
  /**
   * SQLite: one process makes every reply there is, so it knows which conversations have any waiting,
   * and a turn with none (nearly every turn) asks the database nothing.
   */
  private waitingHere?: Set<string>;

  private constructor(readonly db: SqlDb) {
    this.sql = DIALECT[db.dialect];
  }

  /** Applies the migrations this version needs, then opens. */
  static async open(db: SqlDb): Promise<SqlStore> {
    try {
      await migrate(db);
    } catch (err) {
      throw new HelpdeskError('store.unavailable', `the conversation store could not be prepared: ${(err as Error).message}`, { cause: err });
    }
    const store = new SqlStore(db);
    if (db.dialect === 'sqlite') store.waitingHere = new Set((await db.all<{ conversation: string }>('SELECT DISTINCT conversation FROM outbox')).map((r) => r.conversation));
    return store;
  }

  async load(id: string): Promise<LoadOutcome> {
    const row = await this.db.get<{ snapshot: unknown; version: number }>('SELECT snapshot, version FROM conversations WHERE id = $1', [id]);
    if (!row) return { kind: 'none' };
    let reason: string;
    try {
      const parsed = parseSnapshot(fromJson(row.snapshot));
      if (parsed.success) return { kind: 'found', snapshot: parsed.data, version: Number(row.version) };
      reason = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    } catch (err) {
      reason = `not JSON: ${(err as Error).message}`;
    }
    const text = typeof row.snapshot === 'string' ? row.snapshot : JSON.stringify(row.snapshot);
    await this.db.transaction(async (tx) => {
      await tx.run('INSERT INTO quarantine (id, snapshot, reason, at) VALUES ($1, $2, $3, $4)', [id, text, reason, Date.now()]);
      await tx.run('DELETE FROM conversations WHERE id = $1 AND version = $2', [id, row.version]);
    });
    return { kind: 'quarantined', reason };
  }

  async save(snapshot: Snapshot, version: number): Promise<number> {
    let row: { version: number } | undefined;
    try {
      const json = JSON.stringify(snapshot);
      row =
        version === 0
          ? await this.db.get('INSERT INTO conversations (id, snapshot, updated_at, version) VALUES ($1, $2, $3, 1) ON CONFLICT (id) DO NOTHING RETURNING version', [
              snapshot.id,
              json,
              snapshot.updatedAt,
            ])
          : await this.db.get('UPDATE conversations SET snapshot = $2, updated_at = $3, version = version + 1 WHERE id = $1 AND version = $4 RETURNING version', [
              snapshot.id,
              json,
              snapshot.updatedAt,
              version,
            ]);
    } catch (err) {
      throw new HelpdeskError('store.unavailable', `could not save conversation ${snapshot.id}: ${(err as Error).message}`, { cause: err });
    }
    if (!row) throw new HelpdeskError('store.conflict', `conversation ${snapshot.id} was saved by another turn since version ${version}`);
    return Number(row.version);
  }

  async sweep(before: number): Promise<number> {
    return this.db.run('DELETE FROM conversations WHERE updated_at < $1', [before]);
  }

  /** Forgets the fingerprints of codes typed more than `before`: past a few minutes they cannot matter. */
  forgetCodes(before: number): Promise<number> {
    return this.db.run(this.sql.forgetCodes, [before]);
  }

  /** Drops conversations in which the person never wrote anything, idle since `before`. */
  sweepSilent(before: number): Promise<number> {
    return this.db.run(this.sql.sweepSilent, [before]);
  }

  /** A value created once and kept (the key for code fingerprints, for example); every replica gets the same. */
  async meta(key: string, create: () => string): Promise<string> {
    await this.db.run('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, create()]);
    return (await this.db.get<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]))!.value;
  }

  /**
   * Records a platform event id; false when it was seen before (a retried delivery, on this replica
   * or another, before or after a restart).
   */
  async markSeen(key: string, now = Date.now()): Promise<boolean> {
    if (Math.random() < 0.01) await this.db.run('DELETE FROM seen_events WHERE at < $1', [now - 2 * 24 * 3600_000]);
    return (await this.db.run('INSERT INTO seen_events (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, now])) === 1;
  }

  /** The latest conversation on a channel (`prefix`, like "slack:") about a user, for staff. */
  async latestAbout(prefix: string, who: string): Promise<Snapshot | undefined> {
    const row = await this.db.get<{ snapshot: unknown }>(this.sql.bySubject, [`${prefix}%`, who]);
    if (!row) return undefined;
    const parsed = parseSnapshot(fromJson(row.snapshot));
    return parsed.success ? parsed.data : undefined;
  }

  async push(conversationId: string, items: unknown[], now: number): Promise<void> {
    if (!items.length) return;
    await this.db.transaction(async (tx) => {
      for (const item of items) await tx.run('INSERT INTO outbox (conversation, body, created_at) VALUES ($1, $2, $3)', [conversationId, JSON.stringify(item), now]);
      // A page that never comes back keeps only its latest replies.
      await tx.run('DELETE FROM outbox WHERE conversation = $1 AND id NOT IN (SELECT id FROM outbox WHERE conversation = $1 ORDER BY id DESC LIMIT $2)', [conversationId, OUTBOX_LIMIT]);
    });
    this.waitingHere?.add(conversationId);
    await this.db.publish(OUTBOX_CHANNEL, conversationId);
  }

  async take(conversationId: string): Promise<unknown[]> {
    if (this.waitingHere && !this.waitingHere.delete(conversationId)) return [];
    const rows = await this.db.all<{ id: number; body: string }>('DELETE FROM outbox WHERE conversation = $1 RETURNING id, body', [conversationId]);
    return rows.sort((a, b) => Number(a.id) - Number(b.id)).map((r) => JSON.parse(r.body) as unknown);
  }

  async waiting(prefix: string): Promise<string[]> {
    return (await this.db.all<{ conversation: string }>('SELECT DISTINCT conversation FROM outbox WHERE conversation LIKE $1 LIMIT 1000', [`${prefix}%`])).map((r) => r.conversation);
  }

  onPush(listener: (conversationId: string) => void): () => void {
    return this.db.subscribe(OUTBOX_CHANNEL, listener);
  }

  async touch(conversationId: string, now: number): Promise<void> {
    const last = this.touched.get(conversationId);
    if (last !== undefined && now - last < PRESENCE_EVERY_MS) return;
    this.touched.delete(conversationId);
    this.touched.set(conversationId, now);
    if (this.touched.size > 50_000) this.touched.delete(this.touched.keys().next().value as string);
    await this.db.run('INSERT INTO presence (conversation, seen_at) VALUES ($1, $2) ON CONFLICT (conversation) DO UPDATE SET seen_at = excluded.seen_at', [conversationId, now]);
  }

  async lastSeen(conversationId: string): Promise<number | undefined> {
    const row = await this.db.get<{ seen_at: number }>('SELECT seen_at FROM presence WHERE conversation = $1', [conversationId]);
    return row ? Number(row.seen_at) : undefined;
  }

  /** Outbox replies nobody came for and presence of pages long gone. */
  async sweepOutbox(before: number): Promise<void> {
    await this.db.run(this.sql.sweepOutbox, [before]);
    await this.db.run('DELETE FROM presence WHERE seen_at < $1', [before]);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
