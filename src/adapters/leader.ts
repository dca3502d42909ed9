// One replica does what must happen once: holds the Discord gateway session, runs the token
// watcher, sweeps old rows. With SQLite there is one process, and it leads (here); with PostgreSQL
// the replicas elect one (postgres-leader.ts).
import type { Logger } from '../ports/logger.ts';

export interface Leadership {
  /** `elected` runs when this replica becomes the leader, `deposed` when it stops being one. */
  start(roles: { elected: () => Promise<void> | void; deposed: () => Promise<void> | void }): void;
  readonly leader: boolean;
  stop(): Promise<void>;
}

export class SoleLeader implements Leadership {
  leader = false;
  private deposed?: () => Promise<void> | void;

  start(roles: { elected: () => Promise<void> | void; deposed: () => Promise<void> | void }): void {
    this.leader = true;
    this.deposed = roles.deposed;
    void roles.elected();
  }

  async stop(): Promise<void> {
    if (this.leader) await this.deposed?.();
    this.leader = false;
  }
}
