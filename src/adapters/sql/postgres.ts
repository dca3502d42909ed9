// The SqlDb on PostgreSQL (pg): a pool with prepared statements, transactions on one connection,
// and LISTEN/NOTIFY between replicas on a connection of its own that is made again when it drops.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { HelpdeskError } from '../../errors.ts';
import type { Logger } from '../../ports/logger.ts';
import { quoteIdent, redactUrl, type SqlDb } from './db.ts';

// BIGINT (milliseconds, ids) as numbers: every one the helpdesk stores fits in a double.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

/**
 * How long a statement may wait for a connection: the pool busy (every connection at work on a
 * loaded machine) or the server refusing for a moment (restarting). No statement has been sent yet, so
 * trying again repeats nothing; a turn waits this long before it is answered "could not save".
 */
export const CONNECT_DEADLINE_MS = 20_000;
const CONNECT_PAUSE_MS = 250;

/** A connection that failed this way is gone (terminated, the server away): the pool must not reuse it. */
const connectionLost = (err: unknown) => !(err instanceof pg.DatabaseError) || /^(57|08)/.test(err.code ?? '');

/** A statement's name on every connection, from its text; kept, as hashing the text on every call showed in the bench's profile. */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `hd_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    // The texts are the program's own (a few dozen); a bound guards against one built per call.
    if (statementNames.size < 1000) statementNames.set(sql, name);
  }
  return name;
}

export interface PostgresOptions {
  url: string;
  /** The schema every table lives in (created if missing); tests take one each. */
  schema: string;
  poolSize?: number;
  log: Logger;
}

export class PostgresDb implements SqlDb {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private listener?: pg.Client;
  private listening?: Promise<void>;
  private closed = false;
  private retry?: NodeJS.Timeout;

  private constructor(private readonly o: PostgresOptions) {
    this.pool = new pg.Pool({
      connectionString: o.url,
      max: o.poolSize ?? 10,
      options: `-c search_path=${quoteIdent(o.schema)}`,
      types,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection the server drops is replaced on the next query; it must not end the process.
    this.pool.on('error', (err) => o.log.warn('database connection lost', { code: 'store.unavailable', err }));
  }

  /** Connects, creating the schema, or fails with one clear line about DATABASE_URL. */
  static async open(o: PostgresOptions): Promise<PostgresDb> {
    const bootstrap = new pg.Client({ connectionString: o.url, connectionTimeoutMillis: 5000 });
    try {
      await bootstrap.connect();
      // Two replicas creating the schema at once: the advisory lock makes the second wait, then find it.
      await bootstrap.query('SELECT pg_advisory_lock(7212001)');
      await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(o.schema)}`);
      await bootstrap.query('SELECT pg_advisory_unlock(7212001)');
    } catch (err) {
      throw new HelpdeskError('store.unavailable', `DATABASE_URL ${redactUrl(o.url)} cannot hold the conversation store: ${(err as Error).message}`, { cause: err });
    } finally {
      await bootstrap.end().catch(() => undefined);
    }
    return new PostgresDb(o);
  }

  private query<T>(client: pg.PoolClient, sql: string, params: unknown[]) {
    return client.query<T & pg.QueryResultRow>({ name: statementName(sql), text: sql, values: params });
  }

  /** A pooled connection, waited for up to CONNECT_DEADLINE_MS (see there). */
  private async connect(): Promise<pg.PoolClient> {
    const deadline = Date.now() + CONNECT_DEADLINE_MS;
    for (;;) {
      try {
        return await this.pool.connect();
      } catch (err) {
        if (this.closed || Date.now() + CONNECT_PAUSE_MS >= deadline) {
          throw new HelpdeskError('store.unavailable', `no database connection within ${CONNECT_DEADLINE_MS / 1000} s: ${(err as Error).message}`, { cause: err });
        }
        await new Promise((r) => setTimeout(r, CONNECT_PAUSE_MS));
      }
    }
  }

  /** One statement outside a transaction, on a connection of the pool. */
  private async once<T>(sql: string, params: unknown[]): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    const client = await this.connect();
    let lost: Error | undefined;
    const dropped = (err: Error) => (lost = err);
    client.on('error', dropped);
    try {
      return await this.query<T>(client, sql, params);
    } catch (err) {
      if (connectionLost(err)) lost ??= err as Error;
      throw err;
    } finally {
      client.off('error', dropped);
      client.release(lost);
    }
  }

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.once<T>(sql, params)).rows;
  }

  async get<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.once<T>(sql, params)).rows[0];
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.once(sql, params)).rowCount ?? 0;
  }

  async transaction<T>(work: (tx: SqlDb) => Promise<T>): Promise<T> {
    const client = await this.connect();
    const tx: SqlDb = {
      dialect: 'postgres',
      all: async (sql, params = []) => (await this.query(client, sql, params)).rows as never,
      get: async (sql, params = []) => (await this.query(client, sql, params)).rows[0] as never,
      run: async (sql, params = []) => (await this.query(client, sql, params)).rowCount ?? 0,
      transaction: (w) => w(tx),
      publish: (c, p) => this.publish(c, p),
      subscribe: (c, l) => this.subscribe(c, l),
      close: async () => {},
    };
    let broken: unknown;
    // A checked-out client has no pool listener: a connection dying between two statements (a
    // terminated backend) would otherwise be an unhandled 'error' event and end the process.
    const dropped = (err: Error) => (broken = err);
    client.on('error', dropped);
    try {
      await client.query('BEGIN');
      const out = await work(tx);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
      throw err;
    } finally {
      client.off('error', dropped);
      client.release(broken as Error | undefined);
    }
  }

  /** A notification channel of this deployment (schema) only; short, as PostgreSQL allows 63 bytes. */
  private channelName(channel: string): string {
    return `hd_${channel}_${createHash('sha1').update(this.o.schema).digest('hex').slice(0, 12)}`;
  }

  async publish(channel: string, payload: string): Promise<void> {
    await this.run('SELECT pg_notify($1, $2)', [this.channelName(channel), payload]);
  }

  subscribe(channel: string, listener: (payload: string) => void): () => void {
    const name = this.channelName(channel);
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
      if (this.listener) void this.listener.query(`LISTEN ${quoteIdent(name)}`).catch(() => undefined);
    }
    set.add(listener);
    this.listening ??= this.listen();
    return () => set.delete(listener);
  }

  /** One connection LISTENs for this process; when it drops it is made again (and notices missed meanwhile are caught up by polling). */
  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.o.url, connectionTimeoutMillis: 5000 });
    const again = () => {
      if (this.listener !== client || this.closed) return;
      this.listener = undefined;
      this.retry = setTimeout(() => void this.listen(), 1000);
      this.retry.unref();
    };
    client.on('error', (err) => {
      this.o.log.warn('database notification connection lost', { code: 'store.unavailable', err });
      again();
    });
    client.on('end', again);
    client.on('notification', (n) => {
      for (const l of this.listeners.get(n.channel) ?? []) l(n.payload ?? '');
    });
    this.listener = client;
    try {
      await client.connect();
      for (const name of this.listeners.keys()) await client.query(`LISTEN ${quoteIdent(name)}`);
    } catch (err) {
      this.o.log.warn('database notifications unavailable; retrying', { code: 'store.unavailable', err });
      void client.end().catch(() => undefined);
      again();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}

