// Housekeeping: the retention policy, applied every few minutes by the leader replica only (one purge
// for the deployment), to the store and to the files the bot writes in DATA_DIR (its demo mailbox and
// the file ticket inbox). Every row and file removed is counted in `helpdesk_rows_purged_total{kind}`.
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { PurgeCounts, Purgeable, RetentionPolicy } from '../ports/retention.ts';
import type { Clock } from '../ports/time.ts';
import { CODE_FINGERPRINT_MS } from '../engine/transition.ts';

export const PURGED_METRIC = 'helpdesk_rows_purged_total';
/** How often the leader purges: often enough that a window of minutes (codes) is kept to within a few. */
export const HOUSEKEEPING_EVERY_MS = 5 * 60_000;

type RetentionKeys = Pick<
  Config,
  | 'RETENTION_CONVERSATIONS'
  | 'RETENTION_SILENT_CONVERSATIONS'
  | 'RETENTION_ADDRESSES'
  | 'RETENTION_TICKETS'
  | 'RETENTION_OUTBOX'
  | 'RETENTION_EVENTS'
  | 'RETENTION_MAIL_FILES'
>;

export function retentionPolicy(config: RetentionKeys): RetentionPolicy {
  return {
    conversations: config.RETENTION_CONVERSATIONS,
    silentConversations: config.RETENTION_SILENT_CONVERSATIONS,
    addresses: config.RETENTION_ADDRESSES,
    tickets: config.RETENTION_TICKETS,
    outbox: config.RETENTION_OUTBOX,
    events: config.RETENTION_EVENTS,
    // Not a setting: a fingerprint older than this cannot tell a reused code, so it goes as soon as it is useless.
    codes: CODE_FINGERPRINT_MS,
    mailFiles: config.RETENTION_MAIL_FILES,
  };
}

export interface HousekeepingOptions {
  store: Purgeable;
  policy: RetentionPolicy;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** DATA_DIR/mail (the demo mailbox), when mail is written to files. */
  mailDir?: string;
  /** The file ticket inbox, when tickets are written to files. */
  ticketDir?: string;
  everyMs?: number;
}

/** Files in `dir` last written before `before`; how many were removed. A missing folder holds none. */
async function removeOldFiles(dir: string, before: number): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const st = await stat(file).catch(() => undefined);
    if (st?.isFile() && st.mtimeMs < before && (await unlink(file).then(() => true, () => false))) n++;
  }
  return n;
}

/** A leader role: started when this replica is elected, stopped when it is deposed. */
export class Housekeeping {
  private timer?: NodeJS.Timeout;
  private running?: Promise<PurgeCounts & { 'mail-files': number; 'ticket-files': number }>;

  constructor(private readonly o: HousekeepingOptions) {}

  /** One purge now; concurrent callers share it. */
  runOnce(): Promise<PurgeCounts & { 'mail-files': number; 'ticket-files': number }> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass() {
    const now = this.o.clock.now();
    const counts = {
      ...(await this.o.store.purge(this.o.policy, now)),
      'mail-files': this.o.mailDir ? await removeOldFiles(this.o.mailDir, now - this.o.policy.mailFiles) : 0,
      // The file inbox is the bot's own stand-in for a ticket system: its files go with the tickets.
      'ticket-files': this.o.ticketDir ? await removeOldFiles(this.o.ticketDir, now - this.o.policy.tickets) : 0,
    };
    const touched = Object.entries(counts).filter(([, n]) => n > 0);
    for (const [kind, n] of touched) this.o.metrics.count(PURGED_METRIC, { kind }, n);
    if (touched.length) this.o.log.info('retention applied', { code: 'housekeeping.purged', ...Object.fromEntries(touched) });
    return counts;
  }

  elected(): void {
    const run = () => void this.runOnce().catch((err: unknown) => this.o.log.warn('housekeeping failed', { code: 'store.unavailable', err }));
    this.timer = setInterval(run, this.o.everyMs ?? HOUSEKEEPING_EVERY_MS);
    this.timer.unref();
  }

  async deposed(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
