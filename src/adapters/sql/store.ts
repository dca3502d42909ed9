// Conversations and the small shared state beside them, in SQLite or PostgreSQL through one SqlDb.
// A row that cannot be read is moved to a quarantine table, never deleted, and the person starts
// afresh. Every save names the version it read: a turn that lost a race is told, not silently lost.
import { LRUCache } from 'lru-cache';
import { asHelpdeskError, HelpdeskError } from '../../errors.ts';
import type { Snapshot } from '../../engine/snapshot.ts';
import { parseSnapshot } from '../../engine/migrate.ts';
import { redactCodes } from '../../understanding/input.ts';
import type { AcceptedEvent, ConversationLookup, ConversationStore, InboxEvent, LoadOutcome, Outbox, SeenEvents } from '../../ports/store.ts';
import type { Dialect, SqlDb } from './db.ts';
import { Batcher } from './batcher.ts';
import { migrate } from './migrations.ts';
import { purge, type ScanMarks } from './purge.ts';
import type { PurgeCounts, RetentionPolicy } from '../../ports/retention.ts';

/** Accepted, not done, old enough, and not leased to a claimer still within its lease. */
function claimSql(lock: string): string {
  return `UPDATE seen_events SET lease_until = $4 WHERE key IN (SELECT key FROM seen_events
    WHERE key LIKE $1 AND payload IS NOT NULL AND done_at IS NULL AND at <= $2 AND (lease_until IS NULL OR lease_until <= $3)
    ORDER BY at LIMIT $5 ${lock}) RETURNING key, payload`;
}

/** The statements whose SQL differs between the two databases (JSON, mostly). */
const DIALECT: Record<Dialect, Record<'bySubject' | 'claim' | 'acceptAll', string>> = {
  sqlite: {
    // `WHERE true`: SQLite's parser needs it between a SELECT and ON CONFLICT.
    acceptAll: `INSERT INTO seen_events (key, at, payload) SELECT json_extract(value, '$[0]'), $2, json_extract(value, '$[1]') FROM json_each($1)
      WHERE true ON CONFLICT (key) DO NOTHING RETURNING key`,
    // One UPDATE takes SQLite's write lock: two claimers never get the same row.
    claim: claimSql(''),
    bySubject: `SELECT snapshot FROM conversations WHERE id LIKE $1 AND (json_extract(snapshot, '$.subject.user') = $2 OR json_extract(snapshot, '$.subject.email') = $2)
      ORDER BY updated_at DESC LIMIT 1`,
  },
  postgres: {
    // Keys in order, as two replicas may hold the same key (a retried event).
    acceptAll: `INSERT INTO seen_events (key, at, payload) SELECT v->>0, $2::bigint, v->>1 FROM jsonb_array_elements($1::jsonb) AS v
      ORDER BY 1 ON CONFLICT (key) DO NOTHING RETURNING key`,
    // A row another replica is claiming is skipped, not waited for.
    claim: claimSql('FOR UPDATE SKIP LOCKED'),
    bySubject: `SELECT snapshot FROM conversations WHERE id LIKE $1 AND (snapshot->'subject'->>'user' = $2 OR snapshot->'subject'->>'email' = $2)
      ORDER BY updated_at DESC LIMIT 1`,
  },
};

const OUTBOX_CHANNEL = 'outbox';
/** Replies kept for one conversation's page. */
const OUTBOX_LIMIT = 50;
/** A page that polls writes its presence at most this often. */
const PRESENCE_EVERY_MS = 30_000;

interface Row {
  snapshot: unknown;
  version: number;
}
interface SaveItem {
  id: string;
  json: string;
  updatedAt: number;
  version: number;
}

/**
 * PostgreSQL: the loads and saves of concurrent turns as one statement each (see batcher.ts). Every
 * row keeps its own version check, so a stale save still conflicts alone; the rows are locked in id
 * order, so two replicas' batches cannot deadlock each other.
 */
const LOAD_MANY = 'SELECT id, snapshot, version FROM conversations WHERE id = ANY($1::text[])';
const SAVE_MANY = `WITH v AS MATERIALIZED (SELECT v.id, s.snapshot, v.updated_at, v.version
    FROM unnest($1::text[], $3::bigint[], $4::int[]) WITH ORDINALITY AS v(id, updated_at, version, n)
    JOIN jsonb_array_elements($2::jsonb) WITH ORDINALITY AS s(snapshot, n) ON s.n = v.n),
  locked AS MATERIALIZED (SELECT c.id FROM conversations c WHERE c.id IN (SELECT id FROM v WHERE version > 0) ORDER BY c.id FOR UPDATE),
  upd AS (UPDATE conversations c SET snapshot = v.snapshot, updated_at = v.updated_at, version = c.version + 1
    FROM v WHERE c.id = v.id AND v.version > 0 AND c.version = v.version AND c.id IN (SELECT id FROM locked) RETURNING c.id, c.version),
  ins AS (INSERT INTO conversations (id, snapshot, updated_at, version)
    SELECT id, snapshot, updated_at, 1 FROM v WHERE version = 0 ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id, version)
  SELECT id, version FROM upd UNION ALL SELECT id, version FROM ins`;
/**
 * PostgreSQL: the inbox marks of concurrent Slack and Discord turns, one statement a batch each (keys
 * in order, as two replicas may hold the same key: a retried event). An accept tells which keys were new.
 */
const ACCEPT_MANY = `INSERT INTO seen_events (key, at, payload) SELECT key, at, payload FROM unnest($1::text[], $2::bigint[], $3::text[]) AS v(key, at, payload)
  ORDER BY key ON CONFLICT (key) DO NOTHING RETURNING key`;
const DONE_MANY = `WITH locked AS MATERIALIZED (SELECT key FROM seen_events WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE)
  UPDATE seen_events s SET done_at = v.at, payload = NULL FROM unnest($1::text[], $2::bigint[]) AS v(key, at)
  WHERE s.key = v.key AND s.key IN (SELECT key FROM locked) RETURNING s.key`;
/**
 * PostgreSQL: the outbox takes of concurrent web turns (nearly always finding nothing), one statement a
 * batch. The rows are locked in id order first: two replicas taking the same conversation cannot deadlock.
 */
const TAKE_MANY = `WITH locked AS MATERIALIZED (SELECT id FROM outbox WHERE conversation = ANY($1::text[]) ORDER BY id FOR UPDATE)
  DELETE FROM outbox WHERE id IN (SELECT id FROM locked) RETURNING conversation, id, body`;
interface Mark {
  key: string;
  at: number;
  /** accept: the event as JSON. */
  payload?: string;
}

/**
 * A batch the server refused for what one row holds (bad data, a deadlock, a limit) surely did not
 * commit, so its saves are tried one by one and only the bad one fails. A lost connection may have
 * committed: those saves fail as unavailable, as a single save would (never tried twice).
 */
const retryAlone = (err: unknown) => /^(22|23|40|42|54)/.test(String((err as { code?: unknown }).code ?? ''));
/** The connection went away mid-statement (a terminated backend, a reset): nothing the server refused. */
const connectionLost = (err: unknown) => /^(|08...|57P0.|E[A-Z]+)$/.test(String((err as { code?: unknown }).code ?? ''));

/** An accepted event as its row keeps it: what a person typed as a transcript keeps it (a code in it is not). */
function storedPayload(payload: InboxEvent): string {
  const event = payload.event.type === 'text' ? { ...payload.event, text: redactCodes(payload.event.text) } : payload.event;
  return JSON.stringify({ ...payload, event });
}

/** SQLite hands back JSON as text, PostgreSQL (jsonb) as a value. */
const fromJson = (raw: unknown): unknown => (typeof raw === 'string' ? JSON.parse(raw) : raw);

export class SqlStore implements ConversationStore<Snapshot>, SeenEvents, ConversationLookup<Snapshot>, Outbox {
  private readonly sql;
  /** When this process last wrote a conversation's presence (bounded: the oldest used goes first). */
  private readonly touched = new LRUCache<string, number>({ max: 50_000 });
  /** How far this process's purges have looked through conversations already (rows only move forward). */
  private readonly purged: ScanMarks = {};
  /**
   * SQLite: one process makes every reply there is, so it knows which conversations have any waiting,
   * and a turn with none (nearly every turn) asks the database nothing.
   */
  private waitingHere?: Set<string>;
  /** PostgreSQL only: concurrent turns share a round trip (SQLite answers in-process, without one). */
  private readonly loads?: Batcher<string, Row | undefined>;
  private readonly saves?: Batcher<SaveItem, number | undefined>;
  private readonly accepts?: Batcher<Mark, boolean>;
  private readonly dones?: Batcher<Mark, boolean>;
  private readonly takes?: Batcher<string, unknown[]>;

  private constructor(readonly db: SqlDb) {
    this.sql = DIALECT[db.dialect];
    if (db.dialect === 'postgres') {
      this.loads = new Batcher((ids) => this.loadMany(ids));
      this.saves = new Batcher((items) => this.saveMany(items), 1, 100, (item) => item.id);
      this.accepts = new Batcher((marks) => this.marks(marks, ACCEPT_MANY, (m) => this.acceptOne(m)), 1, 100, (m) => m.key);
      this.dones = new Batcher((marks) => this.marks(marks, DONE_MANY, (m) => this.doneOne(m)), 1, 100, (m) => m.key);
      this.takes = new Batcher((ids) => this.takeMany(ids), 1, 100, (id) => id);
    }
  }

  private async loadMany(ids: string[]): Promise<Array<Row | undefined>> {
    if (ids.length === 1) return [await this.loadOne(ids[0] as string)];
    const rows = await this.db.all<Row & { id: string }>(LOAD_MANY, [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  }

  private loadOne(id: string): Promise<Row | undefined> {
    return this.db.get<Row>('SELECT snapshot, version FROM conversations WHERE id = $1', [id]);
  }

  private async saveMany(items: SaveItem[]): Promise<Array<number | undefined | Error>> {
    if (items.length === 1) return [await this.saveOne(items[0] as SaveItem)];
    const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let rows: Array<{ id: string; version: number }>;
    try {
      // The snapshots as one JSON array, not a text[]: the driver would escape every quote in them.
      const snapshots = `[${sorted.map((i) => i.json).join(',')}]`;
      rows = await this.db.all(SAVE_MANY, [sorted.map((i) => i.id), snapshots, sorted.map((i) => i.updatedAt), sorted.map((i) => i.version)]);
    } catch (err) {
      if (!retryAlone(err)) throw err;
      return Promise.all(items.map((i) => this.saveOne(i).catch((e: unknown) => asHelpdeskError(e, 'store.unavailable'))));
    }
    const saved = new Map(rows.map((r) => [r.id, Number(r.version)]));
    return items.map((i) => saved.get(i.id));
  }

  /**
   * A save whose connection was lost may or may not have committed. The row tells: holding exactly
   * this snapshot at the next version, it did (the turn must not run again); still at the version
   * read, it did not, and is saved again once. Anything else cannot be told apart: unavailable.
   */
  private async afterLost(item: SaveItem, err: unknown): Promise<number | undefined> {
    if (!connectionLost(err)) throw err;
    const row = await this.db.get<{ version: number; same: boolean }>('SELECT version, snapshot = $2::jsonb AS same FROM conversations WHERE id = $1', [item.id, item.json]);
    const now = row ? Number(row.version) : 0;
    if (row?.same && now === item.version + 1) return now;
    if (now === item.version) return this.saveOne(item);
    throw err;
  }

  /** One save; resolves to the new version, or undefined when another turn saved first. */
  private async saveOne(i: SaveItem): Promise<number | undefined> {
    const row: { version: number } | undefined =
      i.version === 0
        ? await this.db.get('INSERT INTO conversations (id, snapshot, updated_at, version) VALUES ($1, $2, $3, 1) ON CONFLICT (id) DO NOTHING RETURNING version', [
            i.id,
            i.json,
            i.updatedAt,
          ])
        : await this.db.get('UPDATE conversations SET snapshot = $2, updated_at = $3, version = version + 1 WHERE id = $1 AND version = $4 RETURNING version', [
            i.id,
            i.json,
            i.updatedAt,
            i.version,
          ]);
    return row ? Number(row.version) : undefined;
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

  /** PostgreSQL: a read whose connection was lost is read again once (a read can be repeated). */
  private async read(id: string): Promise<Row | undefined> {
    if (!this.loads) return this.loadOne(id);
    try {
      return await this.loads.add(id);
    } catch (err) {
      if (!connectionLost(err)) throw err;
      return this.loadOne(id);
    }
  }

  async load(id: string): Promise<LoadOutcome<Snapshot>> {
    const row = await this.read(id);
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
    let saved: number | undefined;
    try {
      const item = { id: snapshot.id, json: JSON.stringify(snapshot), updatedAt: snapshot.updatedAt, version };
      saved = await (this.saves ? this.saves.add(item).catch((err: unknown) => this.afterLost(item, err)) : this.saveOne(item));
    } catch (err) {
      throw new HelpdeskError('store.unavailable', `could not save conversation ${snapshot.id}: ${(err as Error).message}`, { cause: err });
    }
    if (saved === undefined) throw new HelpdeskError('store.conflict', `conversation ${snapshot.id} was saved by another turn since version ${version}`);
    return saved;
  }

  /** Applies the retention policy (see purge.ts): the one way records leave the store by age. */
  purge(policy: RetentionPolicy, now: number): Promise<PurgeCounts> {
    return purge(this.db, policy, now, this.purged);
  }

  /** A value created once and kept (the key for code fingerprints, for example); every replica gets the same. */
  async meta(key: string, create: () => string): Promise<string> {
    await this.db.run('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, create()]);
    return (await this.db.get<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]))!.value;
  }

  /** A value replicas hand each other (SharedValues), kept in `meta` under `shared:`. */
  async readShared(key: string): Promise<string | undefined> {
    return (await this.db.get<{ value: string }>('SELECT value FROM meta WHERE key = $1', [`shared:${key}`]))?.value;
  }

  async writeShared(key: string, value: string): Promise<void> {
    await this.db.run('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [`shared:${key}`, value]);
  }

  /**
   * Writes this replica's heartbeat row: a small real write, which fails on a full or read-only disk
   * (or a database that takes no writes) where a read would still answer. For /healthz.
   */
  async heartbeat(replica: string, now: number): Promise<void> {
    await this.db.run('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [`heartbeat:${replica}`, String(now)]);
  }

  /**
   * Records a platform event id; false when it was seen before (a retried delivery, on this replica
   * or another, before or after a restart).
   */
  async markSeen(key: string, now = Date.now()): Promise<boolean> {
    return (await this.db.run('INSERT INTO seen_events (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, now])) === 1;
  }

  async wasSeen(key: string): Promise<boolean> {
    return (await this.db.get<{ key: string }>('SELECT key FROM seen_events WHERE key = $1', [key])) !== undefined;
  }

  async accept(key: string, payload: InboxEvent, now = Date.now()): Promise<boolean> {
    const mark = { key, at: now, payload: storedPayload(payload) };
    return this.accepts ? this.accepts.add(mark) : this.acceptOne(mark);
  }

  /** One statement, so one commit (and on SQLite one sync of the log) for the events a channel took at once. */
  async acceptAll(events: AcceptedEvent[], now = Date.now()): Promise<boolean[]> {
    const [only] = events;
    if (only && events.length === 1) return [await this.acceptOne({ key: only.key, at: now, payload: storedPayload(only.payload) })];
    const rows = await this.db.all<{ key: string }>(this.sql.acceptAll, [JSON.stringify(events.map((e) => [e.key, storedPayload(e.payload)])), now]);
    const fresh = new Set(rows.map((r) => r.key));
    return events.map((e) => fresh.has(e.key));
  }

  private async acceptOne(m: Mark): Promise<boolean> {
    return (await this.db.run('INSERT INTO seen_events (key, at, payload) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING', [m.key, m.at, m.payload])) === 1;
  }

  /** The payload goes with the mark it no longer needs: the text is kept no longer than the turn's own. */
  async done(key: string, now = Date.now()): Promise<void> {
    const mark = { key, at: now };
    await (this.dones ? this.dones.add(mark) : this.doneOne(mark));
  }

  private async doneOne(m: Mark): Promise<boolean> {
    return (await this.db.run('UPDATE seen_events SET done_at = $2, payload = NULL WHERE key = $1', [m.key, m.at])) === 1;
  }

  /**
   * PostgreSQL: a batch of inbox marks as one statement, resolving to whether each one changed its row
   * (ACCEPT_MANY: the key was new). Refused for what one row holds, they are tried one by one, as saves are.
   */
  private async marks(marks: Mark[], sql: string, alone: (m: Mark) => Promise<boolean>): Promise<Array<boolean | Error>> {
    if (marks.length === 1) return [await alone(marks[0] as Mark)];
    const sorted = [...marks].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const params = [sorted.map((m) => m.key), sorted.map((m) => m.at), ...(sql === ACCEPT_MANY ? [sorted.map((m) => m.payload)] : [])];
    let rows: Array<{ key: string }>;
    try {
      rows = await this.db.all<{ key: string }>(sql, params);
    } catch (err) {
      if (!retryAlone(err)) throw err;
      return Promise.all(marks.map((m) => alone(m).catch((e: unknown) => asHelpdeskError(e, 'store.unavailable'))));
    }
    const fresh = new Set(rows.map((r) => r.key));
    return marks.map((m) => fresh.has(m.key));
  }

  async claim(prefix: string, olderThanMs: number, leaseMs: number, now = Date.now(), limit = 50): Promise<AcceptedEvent[]> {
    const rows = await this.db.all<{ key: string; payload: string }>(this.sql.claim, [`${prefix}%`, now - olderThanMs, now, now + leaseMs, limit]);
    return rows.map((r) => ({ key: r.key, payload: JSON.parse(r.payload) as InboxEvent }));
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
    return this.takes ? this.takes.add(conversationId) : this.takeOne(conversationId);
  }

  private async takeOne(conversationId: string): Promise<unknown[]> {
    const rows = await this.db.all<{ id: number; body: string }>('DELETE FROM outbox WHERE conversation = $1 RETURNING id, body', [conversationId]);
    return rows.sort((a, b) => Number(a.id) - Number(b.id)).map((r) => JSON.parse(r.body) as unknown);
  }

  /** PostgreSQL: the takes of a batch as one statement (TAKE_MANY); a refused one is tried one by one. */
  private async takeMany(ids: string[]): Promise<Array<unknown[] | Error>> {
    if (ids.length === 1) return [await this.takeOne(ids[0] as string)];
    let rows: Array<{ conversation: string; id: number; body: string }>;
    try {
      rows = await this.db.all(TAKE_MANY, [ids]);
    } catch (err) {
      if (!retryAlone(err)) throw err;
      return Promise.all(ids.map((id) => this.takeOne(id).catch((e: unknown) => asHelpdeskError(e, 'store.unavailable'))));
    }
    const byConversation = new Map<string, Array<{ id: number; body: string }>>();
    for (const r of rows) byConversation.set(r.conversation, [...(byConversation.get(r.conversation) ?? []), r]);
    return ids.map((id) => (byConversation.get(id) ?? []).sort((a, b) => Number(a.id) - Number(b.id)).map((r) => JSON.parse(r.body) as unknown));
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
    this.touched.set(conversationId, now);
    await this.db.run('INSERT INTO presence (conversation, seen_at) VALUES ($1, $2) ON CONFLICT (conversation) DO UPDATE SET seen_at = excluded.seen_at', [conversationId, now]);
  }

  async lastSeen(conversationId: string): Promise<number | undefined> {
    const row = await this.db.get<{ seen_at: number }>('SELECT seen_at FROM presence WHERE conversation = $1', [conversationId]);
    return row ? Number(row.seen_at) : undefined;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
