// One small SQL executor over two databases: SQLite (better-sqlite3, the embedded default, one
// process; here) and PostgreSQL (pg, several replicas; postgres.ts). Queries are written once with `$1…$n`
// placeholders; the few statements whose SQL differs are chosen by `dialect`. Both keep prepared
// statements (SQLite per SQL text, PostgreSQL per connection by name), which is why this is not a
// query builder: measured, Kysely cost the embedded path four times its upserts per second.
import { EventEmitter } from 'node:events';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { HelpdeskError } from '../../errors.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface SqlDb {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /**
   * Runs `work` in one transaction. On PostgreSQL it holds one connection for its duration (row
   * locks taken in it are let go when it ends, or when this process dies); on SQLite the one
   * connection is held by a local lock, so other statements wait.
   */
  transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T>;
  /** Tells every replica (PostgreSQL NOTIFY) or this process (SQLite) on `channel`. */
  publish(channel: string, payload: string): Promise<void>;
  /** Listens on `channel`; returns the function that stops listening. */
  subscribe(channel: string, listener: (payload: string) => void): () => void;
  close(): Promise<void>;
}

/** `$1, $2, $1` → `?, ?, ?` and the order in which to pass the values. */
function positional(sql: string): { text: string; order: number[] } {
  const order: number[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { text, order };
}

/** Booleans and undefined as SQLite takes them. */
const sqliteValue = (v: unknown) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);

/**
 * One connection per database file in a process, shared by every SqliteDb opened on it: a second
 * connection's busy wait would block the event loop while the first one's transaction waits for it.
 */
interface SharedSqlite {
  raw: Database.Database;
  users: number;
  statements: Map<string, { stmt: Database.Statement; order: number[]; reader: boolean }>;
  events: EventEmitter;
  lock: Promise<unknown>;
  inTransaction: boolean;
}
const openFiles = new Map<string, SharedSqlite>();

export class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;
  private closed = false;

  private constructor(
    private readonly shared: SharedSqlite,
    private readonly file: string,
  ) {}

  get raw(): Database.Database {
    return this.shared.raw;
  }

  private static connect(file: string): SqliteDb {
    let shared = file === ':memory:' ? undefined : openFiles.get(file);
    if (!shared) {
      const raw = new Database(file);
      raw.pragma('journal_mode = WAL');
      raw.pragma('busy_timeout = 5000');
      // Deleted rows are overwritten, not left in free pages: an erased person is gone from the file
      // (cost per turn measured in `npm run bench`).
      raw.pragma('secure_delete = ON');
      const events = new EventEmitter();
      events.setMaxListeners(0);
      shared = { raw, users: 0, statements: new Map(), events, lock: Promise.resolve(), inTransaction: false };
      if (file !== ':memory:') openFiles.set(file, shared);
    }
    shared.users++;
    return new SqliteDb(shared, file);
  }

  /**
   * Opens (creating) DATA_DIR/helpdesk.sqlite, or fails with one clear line about DATA_DIR. The
   * folder is the owner's alone (0700, every file in it 0600): it holds the keys for cookies, links
   * and code fingerprints. Looser modes are tightened, and `onFix` is told in one line.
   */
  static open(dataDir: string, onFix: (line: string) => void = () => {}): SqliteDb {
    const file = dataDir === ':memory:' ? ':memory:' : path.join(dataDir, 'helpdesk.sqlite');
    const umask = process.umask(0o077);
    try {
      if (file !== ':memory:') {
        mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        accessSync(dataDir, constants.W_OK | constants.R_OK);
        tighten(dataDir, file, onFix);
      }
      const db = SqliteDb.connect(file === ':memory:' ? file : path.resolve(file));
      // A database that opens but cannot be written (a read-only file or mount) is found now, not mid-conversation.
      db.raw.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      db.raw.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('opened-at', ?)").run(String(Date.now()));
      if (file !== ':memory:') tighten(dataDir, file, () => {});
      return db;
    } catch (err) {
      throw new HelpdeskError('store.unavailable', `DATA_DIR ${dataDir} cannot hold the conversation store: ${(err as Error).message}`, { cause: err });
    } finally {
      process.umask(umask);
    }
  }

  private prepared(sql: string) {
    let p = this.shared.statements.get(sql);
    if (!p) {
      const { text, order } = positional(sql);
      const stmt = this.raw.prepare(text);
      p = { stmt, order, reader: stmt.reader };
      this.shared.statements.set(sql, p);
    }
    return p;
  }

  private values(order: number[], params: unknown[]): unknown[] {
    return order.map((i) => sqliteValue(params[i]));
  }

  /** Statements outside a transaction wait while one is open (it may await between its statements). */
  private async outside<T>(work: () => T): Promise<T> {
    if (!this.shared.inTransaction) return work();
    await this.shared.lock;
    return this.outside(work);
  }

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.outside(() => this.allNow<T>(sql, params));
  }

  async get<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return this.outside(() => this.allNow<T>(sql, params)[0]);
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    return this.outside(() => this.runNow(sql, params));
  }

  private allNow<T>(sql: string, params: unknown[]): T[] {
    const p = this.prepared(sql);
    return (p.reader ? p.stmt.all(...this.values(p.order, params)) : (p.stmt.run(...this.values(p.order, params)), [])) as T[];
  }

  private runNow(sql: string, params: unknown[]): number {
    const p = this.prepared(sql);
    if (p.reader) return p.stmt.all(...this.values(p.order, params)).length;
    return p.stmt.run(...this.values(p.order, params)).changes;
  }

  async transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T> {
    const previous = this.shared.lock;
    let release!: () => void;
    this.shared.lock = new Promise<void>((r) => (release = r));
    await previous;
    this.shared.inTransaction = true;
    const tx: SqlDb = {
      dialect: 'sqlite',
      all: async (sql, params = []) => this.allNow(sql, params),
      get: async (sql, params = []) => this.allNow(sql, params)[0] as never,
      run: async (sql, params = []) => this.runNow(sql, params),
      transaction: (w) => w(tx),
      publish: (c, p) => this.publish(c, p),
      subscribe: (c, l) => this.subscribe(c, l),
      close: async () => {},
    };
    try {
      this.raw.exec('BEGIN IMMEDIATE');
      const out = await work(tx);
      this.raw.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
      throw err;
    } finally {
      this.shared.inTransaction = false;
      release();
    }
  }

  /**
   * Copies the WAL into the database and empties it, so what was deleted is not left in old page
   * images there; false when a reader elsewhere kept part of the WAL in use.
   */
  async checkpoint(): Promise<boolean> {
    return this.outside(() => {
      const [r] = this.raw.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      return r !== undefined && r.busy === 0;
    });
  }

  async publish(channel: string, payload: string): Promise<void> {
    this.shared.events.emit(channel, payload);
  }

  subscribe(channel: string, listener: (payload: string) => void): () => void {
    this.shared.events.on(channel, listener);
    return () => this.shared.events.off(channel, listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (--this.shared.users > 0) return;
    if (openFiles.get(this.file) === this.shared) openFiles.delete(this.file);
    if (this.raw.open) this.raw.close();
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

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A connection string without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
