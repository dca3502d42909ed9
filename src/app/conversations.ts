// The conversations, built from the conversation slice (FLOWS_DIR, CONVERSATION_IDLE_MINUTES,
// PROOF_*, the centre's words): the flows and the understanding, the runner, the proof of identity,
// signed links, watches, and the out-of-band delivery of replies to a conversation's own channel.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { AnyChannelPlugin } from '../channels/contract.ts';
import type { Logger } from '../ports/logger.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { RateLimits } from '../ports/limits.ts';
import type { TicketSink, TicketStatusReader } from '../ports/tickets.ts';
import type { Clock } from '../ports/time.ts';
import type { Understanding } from '../ports/understanding.ts';
import type { CheckRunner } from '../checks/index.ts';
import type { CheckDeps } from '../checks/context.ts';
import { loadFlowsOrThrow } from '../flows/loader.ts';
import { ConversationRunner } from '../engine/runner.ts';
import type { HandoverAbilities } from '../engine/env.ts';
import type { SinkName } from '../config-handover.ts';
import { OutOfBand } from '../engine/out-of-band.ts';
import type { CentreWords } from '../flows/words.ts';
import { centreWords } from './centre-words.ts';
import type { FlowSet } from '../flows/schema.ts';
import { trainUnderstanding } from '../understanding/training.ts';
import { factRulesOf } from '../understanding/fact-rules.ts';
import { knowledgeMatcherOf } from '../understanding/knowledge-match.ts';
import type { SqlDb } from '../adapters/sql/db.ts';
import type { SqlStore } from '../adapters/sql/store.ts';
import type { PrometheusMetrics } from '../adapters/metrics.ts';
import { SqlLinkStore } from '../adapters/link-store.ts';
import { EmailProof, PROOF_SMTP_REPLY_TIMEOUT_MS } from '../adapters/email-proof.ts';
import { SmtpMailer } from '../adapters/mailer.ts';
import { SqlProofCodes } from '../adapters/proof-codes.ts';
import { SqlEffectJournal } from '../adapters/sql/effects.ts';
import { SqlOutcomes } from '../adapters/sql/outcomes.ts';
import { SqlWatches } from '../adapters/sql-watches.ts';

/**
 * Flows are loaded and the understanding trained at start-up (a conversation's first message must
 * not wait), except for one-shot commands such as `diagnose`, which hold no conversation.
 */
export function loadUnderstanding(config: Config, conversations: boolean): { flows: FlowSet; understanding: Understanding } {
  const { flows, intents } = conversations ? loadFlowsOrThrow(config.FLOWS_DIR) : { flows: new Map() as FlowSet, intents: {} };
  // The fact rules' phrases and the knowledge base's matcher too: a phrase that cannot be compiled
  // stops the start (flow.invalid), as a broken flow does.
  if (conversations) {
    factRulesOf(flows);
    knowledgeMatcherOf(flows);
  }
  return { flows, understanding: trainUnderstanding(flows, intents, !conversations) };
}

/** What the configured sinks can do for the person: a staff reply by e-mail to a proved address; the status read back. */
function handoverAbilities(sinks: readonly SinkName[]): HandoverAbilities {
  return { mails: sinks.some((s) => s === 'rt' || s === 'zammad' || s === 'mail'), status: sinks.some((s) => s === 'rt' || s === 'zammad') };
}

export interface ConversationsContext {
  /** The channels, each with its own words (a proof mail says where the request was made in them). */
  channels: readonly AnyChannelPlugin[];
  flows: FlowSet;
  understanding: Understanding;
  db: SqlDb;
  store: SqlStore;
  limits: RateLimits;
  checks: CheckRunner;
  deps: CheckDeps;
  handover: TicketSink;
  /** "Any news?" after a hand-over: the ticket's status from the sink that can tell. */
  ticketStatus: TicketStatusReader;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  metrics: PrometheusMetrics;
  demoUrl: string | undefined;
}

export interface ConversationsPart {
  words: CentreWords;
  runner: ConversationRunner;
  /** How conversations ended, for the report and the metrics. */
  outcomes: SqlOutcomes;
  /** Keyed material for the web channel's cookies and forms. */
  secret: string;
  links: SqlLinkStore;
  identity: EmailProof;
  watches: SqlWatches;
  outOfBand: OutOfBand;
}

export async function createConversations(config: Config, ctx: ConversationsContext, cleanups: Array<() => unknown>): Promise<ConversationsPart> {
  const { db, store, clock, log, metrics } = ctx;
  // Keys every replica shares: made by the first, read by the rest.
  const key = () => randomBytes(32).toString('base64url');
  const secret = await store.meta('web-secret', key);
  // A proof code lives minutes: its mail gives a silent relay one minute, not a ticket's ten.
  const proofMailer = ctx.mailer instanceof SmtpMailer ? ctx.mailer.withReplyTimeout(PROOF_SMTP_REPLY_TIMEOUT_MS) : ctx.mailer;
  if (proofMailer instanceof SmtpMailer) cleanups.push(() => proofMailer.close());
  const identity = new EmailProof({
    deps: ctx.deps,
    limits: ctx.limits,
    codes: new SqlProofCodes(db, await store.meta('proof-key', key), clock),
    mailer: proofMailer,
    clock,
    log,
    metrics,
    centre: config.CENTRE_NAME,
    supportEmail: config.SUPPORT_EMAIL,
    linkMinutes: config.PROOF_LINK_MINUTES,
    whereIs: (channel, lang) => ctx.channels.find((c) => c.name === channel)?.words?.[lang].where,
    showsAddress: (channel) => ctx.channels.find((c) => c.name === channel)?.originIsAddress === true,
  });
  cleanups.push(() => identity.stop());
  const words = centreWords(config, ctx.demoUrl);
  const watches = new SqlWatches(db);
  const outcomes = new SqlOutcomes(db);
  const runner = new ConversationRunner({
    watches,
    flows: ctx.flows,
    understanding: ctx.understanding,
    words,
    checks: ctx.checks,
    store,
    tickets: ctx.handover,
    ticketStatus: ctx.ticketStatus,
    handover: handoverAbilities(config.HANDOVER_SINKS),
    clock,
    codeKey: await store.meta('code-key', key),
    idleMs: config.CONVERSATION_IDLE_MINUTES * 60_000,
    log,
    identity,
    metrics,
    effects: new SqlEffectJournal(db),
    outcomes,
  });
  const links = new SqlLinkStore(db, secret, clock);
  const outOfBand = new OutOfBand(log, store, () => clock.now());
  return { words, runner, secret, links, identity, watches, outOfBand, outcomes };
}
