// Conversations (and the ticket queue, and seen platform events) in SQLite under DATA_DIR. A row that
// cannot be read is moved to a quarantine table, never deleted, and the person starts afresh.
import { accessSync, chmodSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
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
      forgetCodes: db.prepare(
        `UPDATE conversations SET snapshot = json_set(snapshot, '$.codes', json('[]'))
         WHERE updated_at < ? AND json_array_length(snapshot, '$.codes') > 0`,
      ),
      sweepSilent: db.prepare(
        `DELETE FROM conversations WHERE updated_at < ?
         AND NOT EXISTS (SELECT 1 FROM json_each(snapshot, '$.transcript') WHERE json_extract(value, '$[1]') = 'u')`,
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'),
    };
  }

  /**
   * Opens (creating) DATA_DIR/helpdesk.sqlite, or fails with one clear line about DATA_DIR. The
   * folder is the owner's alone (0700, every file in it 0600): it holds the keys for cookies, links
   * and code fingerprints. Looser modes are tightened, and `onFix` is told in one line.
   */
  static open(dataDir: string, onFix: (line: string) => void = () => {}): SqliteStore {
    const file = dataDir === ':memory:' ? ':memory:' : path.join(dataDir, 'helpdesk.sqlite');
    const umask = process.umask(0o077);
    try {
      if (file !== ':memory:') {
        mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        accessSync(dataDir, constants.W_OK | constants.R_OK);
        tighten(dataDir, file, onFix);
      }
      const store = new SqliteStore(new Database(file));
      // A database that opens but cannot be written (a read-only file or mount) is found now, not mid-conversation.
      store.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('opened-at', ?)").run(String(Date.now()));
      if (file !== ':memory:') tighten(dataDir, file, () => {});
      return store;
    } catch (err) {
      throw new HelpdeskError('store.unavailable', `DATA_DIR ${dataDir} cannot hold the conversation store: ${(err as Error).message}`, { cause: err });
    } finally {
      process.umask(umask);
    }
  }

  /** Forgets the fingerprints of codes typed more than `before`: past a few minutes they cannot matter. */
  forgetCodes(before: number): number {
    return this.stmts.forgetCodes.run(before).changes;
  }

  /** Drops conversations in which the person never wrote anything, idle since `before`. */
  sweepSilent(before: number): number {
    return this.stmts.sweepSilent.run(before).changes;
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

/** DATA_DIR 0700 and the database files 0600, whatever umask or an old version left. */
function tighten(dataDir: string, file: string, onFix: (line: string) => void): void {
  const fixed: string[] = [];
  const dirMode = statSync(dataDir).mode & 0o777;
  if (dirMode & 0o077) {
    chmodSync(dataDir, 0o700);
    fixed.push(`${dataDir} ${dirMode.toString(8)} -> 700`);
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(f)) continue;
    const mode = statSync(f).mode & 0o777;
    if (mode & 0o077) {
      chmodSync(f, 0o600);
      fixed.push(`${path.basename(f)} ${mode.toString(8)} -> 600`);
    }
  }
  if (fixed.length) onFix(`DATA_DIR was readable by others; made it the owner's alone (${fixed.join(', ')})`);
}
