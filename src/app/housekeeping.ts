// Housekeeping: the retention policy, applied every few minutes by the leader replica only (one purge
// for the deployment), to the store and to the files the bot writes in DATA_DIR (its demo mailbox and
// the file ticket inbox). Every row and file removed is counted in `helpdesk_rows_purged_total{kind}`.
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import { PURGED_METRIC, type PurgeCounts, type Purgeable, type RetentionPolicy } from '../ports/retention.ts';
import type { Clock } from '../ports/time.ts';
import { CODE_FINGERPRINT_MS } from '../engine/transition.ts';
import type { TicketStatusReader } from '../ports/tickets.ts';
import type { SqlOutcomes } from '../adapters/sql/outcomes.ts';

export { PURGED_METRIC };
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
  | 'RETENTION_OUTCOMES'
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
    outcomes: config.RETENTION_OUTCOMES,
  };
}

export interface HousekeepingOptions {
  store: Purgeable;
  policy: RetentionPolicy;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Conversations gone quiet get their outcome; handed-over tickets staff solved are noted. */
  outcomes?: OutcomeSettling;
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

export const OUTCOMES_METRIC = 'helpdesk_conversation_outcomes_total';
export const STAFF_SOLVED_METRIC = 'helpdesk_handovers_solved_by_staff_total';
/** Hand-overs whose ticket is asked about per pass, and for how long after the hand-over. */
const STAFF_CHECKS_PER_PASS = 20;
const STAFF_CHECK_DAYS = 30;

export interface OutcomeSettling {
  store: Pick<SqlOutcomes, 'settleQuiet' | 'handedOpen' | 'staffState'>;
  /** A conversation idle this long is over (CONVERSATION_IDLE_MINUTES). */
  quietMs: number;
  ticketStatus?: TicketStatusReader;
}

/**
 * Quiet conversations' outcomes (before the purge can remove a conversation), then a few handed-over
 * tickets asked about in the ticket system: resolved or closed there is "solved by staff".
 */
async function settleOutcomes(o: OutcomeSettling, metrics: Metrics, now: number): Promise<number> {
  const settled = await o.store.settleQuiet(now - o.quietMs);
  for (const x of settled) metrics.count(OUTCOMES_METRIC, { channel: x.channel, topic: x.flow ?? 'none', lang: x.lang, outcome: x.kind, how: x.how ?? '' });
  if (!o.ticketStatus) return settled.length;
  for (const h of await o.store.handedOpen(now - STAFF_CHECK_DAYS * 86_400_000, STAFF_CHECKS_PER_PASS)) {
    const status = await o.ticketStatus.status(h.ticket).catch(() => undefined);
    const solved = status?.state === 'resolved' || status?.state === 'closed' ? status.state : undefined;
    await o.store.staffState(h.conversation, h.startedAt, solved, now);
    if (solved) metrics.count(STAFF_SOLVED_METRIC, { topic: h.topic ?? 'none' });
  }
  return settled.length;
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
    const settled = this.o.outcomes ? await settleOutcomes(this.o.outcomes, this.o.metrics, now) : 0;
    if (settled) this.o.log.info('quiet conversations settled', { code: 'housekeeping.settled', count: settled });
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
