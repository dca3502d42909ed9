// Leader election on PostgreSQL: the leader holds a session advisory lock on a connection of its
// own; when it dies (or its connection does) the lock goes with it, and another replica, asking
// every second, takes over.
import pg from 'pg';
import type { Logger } from '../ports/logger.ts';
import type { Leadership } from './leader.ts';

export interface PostgresLeaderOptions {
  url: string;
  /** Replicas of one deployment share a lock; another schema is another deployment. */
  schema: string;
  log: Logger;
  /** How often a follower asks, and a leader checks its connection. */
  intervalMs?: number;
}

export class PostgresLeader implements Leadership {
  leader = false;
  private client?: pg.Client;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private roles?: { elected: () => Promise<void> | void; deposed: () => Promise<void> | void };
  private busy = false;

  constructor(private readonly o: PostgresLeaderOptions) {}

  start(roles: { elected: () => Promise<void> | void; deposed: () => Promise<void> | void }): void {
    this.roles = roles;
    const every = this.o.intervalMs ?? 1000;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      if (!this.client) {
        const client = new pg.Client({ connectionString: this.o.url, connectionTimeoutMillis: 3000, keepAlive: true });
        client.on('error', () => void this.lost(client));
        client.on('end', () => void this.lost(client));
        await client.connect();
        this.client = client;
      }
      if (this.leader) {
        await this.client.query('SELECT 1');
        return;
      }
      const r = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(7212003, hashtext($1)) AS ok', [this.o.schema]);
      if (r.rows[0]?.ok && !this.stopped) {
        this.leader = true;
        this.o.log.info('this replica is the leader (leader-only channels, token watcher, sweeps)');
        await this.roles?.elected();
      }
    } catch (err) {
      this.o.log.warn('leader election could not reach the database', { code: 'store.unavailable', err });
      if (this.client) await this.lost(this.client);
    } finally {
      this.busy = false;
    }
  }

  /** The connection that held (or would hold) the lock is gone: so is the leadership. */
  private async lost(client: pg.Client): Promise<void> {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.leader) {
      this.leader = false;
      this.o.log.warn('lost the leader lock; another replica will take over');
      await this.roles?.deposed();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.leader) {
      this.leader = false;
      await this.roles?.deposed();
    }
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
