// Conversations (and the ticket queue, and seen platform events) in SQLite under DATA_DIR. A row that
// cannot be read is moved to a quarantine table, never deleted, and the person starts afresh.
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { HelpdeskError } from '../errors.ts';
import { Snapshot } from '../engine/snapshot.ts';
import type { ConversationStore, LoadOutcome } from '../ports/store.ts';

export class SqliteStore implements ConversationStore {
  readonly db: Database.Database;
  private readonly stmts;

  private constructor(db: Database.Database) {
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, snapshot TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS conversations_updated ON conversations(updated_at);
      CREATE TABLE IF NOT EXISTS quarantine (id TEXT NOT NULL, snapshot TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS seen_events (key TEXT PRIMARY KEY, at INTEGER NOT NULL);
    `);
    this.stmts = {
      load: db.prepare<[string], { snapshot: string }>('SELECT snapshot FROM conversations WHERE id = ?'),
      save: db.prepare('INSERT INTO conversations (id, snapshot, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at'),
      quarantine: db.prepare('INSERT INTO quarantine (id, snapshot, reason, at) VALUES (?, ?, ?, ?)'),
      remove: db.prepare('DELETE FROM conversations WHERE id = ?'),
      sweep: db.prepare('DELETE FROM conversations WHERE updated_at < ?'),
      seen: db.prepare('INSERT OR IGNORE INTO seen_events (key, at) VALUES (?, ?)'),
      sweepSeen: db.prepare('DELETE FROM seen_events WHERE at < ?'),
      bySubject: db.prepare<[string, string, string], { snapshot: string }>(
        `SELECT snapshot FROM conversations WHERE id LIKE ? AND (json_extract(snapshot, '$.subject.user') = ? OR json_extract(snapshot, '$.subject.email') = ?)
         ORDER BY updated_at DESC LIMIT 1`,
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'),
    };
  }

  /** Opens (creating) DATA_DIR/helpdesk.sqlite, or fails with one clear line about DATA_DIR. */
  static open(dataDir: string): SqliteStore {
    const file = dataDir === ':memory:' ? ':memory:' : path.join(dataDir, 'helpdesk.sqlite');
    try {
      if (file !== ':memory:') {
        mkdirSync(dataDir, { recursive: true });
        accessSync(dataDir, constants.W_OK | constants.R_OK);
      }
      return new SqliteStore(new Database(file));
    } catch (err) {
      throw new HelpdeskError('store.unavailable', `DATA_DIR ${dataDir} cannot hold the conversation store: ${(err as Error).message}`, { cause: err });
    }
  }

  /** A value created once and kept (the key for code fingerprints, for example). */
  meta(key: string, create: () => string): string {
    this.stmts.setMeta.run(key, create());
    return (this.stmts.getMeta.get(key) as { value: string }).value;
  }

  /**
   * Records a platform event id; false when it was seen before (a retried delivery). Kept in the
   * database, so a retry after a restart is still recognised.
   */
  markSeen(key: string, now = Date.now()): boolean {
    if (Math.random() < 0.01) this.stmts.sweepSeen.run(now - 2 * 24 * 3600_000);
    return this.stmts.seen.run(key, now).changes === 1;
  }

  /** The latest conversation on a channel (`prefix`, like "slack:") about a user, for staff. */
  async latestAbout(prefix: string, who: string): Promise<Snapshot | undefined> {
    const row = this.stmts.bySubject.get(`${prefix}%`, who, who);
    if (!row) return undefined;
    const parsed = Snapshot.safeParse(JSON.parse(row.snapshot));
    return parsed.success ? parsed.data : undefined;
  }

  async load(id: string): Promise<LoadOutcome> {
    const row = this.stmts.load.get(id);
    if (!row) return { kind: 'none' };
    let reason: string;
    try {
      const parsed = Snapshot.safeParse(JSON.parse(row.snapshot));
      if (parsed.success) return { kind: 'found', snapshot: parsed.data };
      reason = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    } catch (err) {
      reason = `not JSON: ${(err as Error).message}`;
    }
    this.db.transaction(() => {
      this.stmts.quarantine.run(id, row.snapshot, reason, Date.now());
      this.stmts.remove.run(id);
    })();
    return { kind: 'quarantined', reason };
  }

  async save(snapshot: Snapshot): Promise<void> {
    try {
      this.stmts.save.run(snapshot.id, JSON.stringify(snapshot), snapshot.updatedAt);
    } catch (err) {
      throw new HelpdeskError('store.unavailable', `could not save conversation ${snapshot.id}: ${(err as Error).message}`, { cause: err });
    }
  }

  async sweep(before: number): Promise<number> {
    return this.stmts.sweep.run(before).changes;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
