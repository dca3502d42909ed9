// Runs conversation turns: loads the snapshot, applies the pure transition, performs the checks and
// hand-overs it asks for, and saves. One error boundary per turn: whatever goes wrong, the person
// gets an apology and the way to a human, and the stored conversation is left as it was.
import { catalogues, render, type Lang } from '../i18n/index.ts';
import type { CheckInput } from '../checks/context.ts';
import type { CheckRunner } from '../checks/index.ts';
import { errorCode, HelpdeskError } from '../errors.ts';
import type { ConversationStore, LoadOutcome } from '../ports/store.ts';
import type { TicketSink, TicketStatusReader } from '../ports/tickets.ts';
import type { Clock } from '../ports/time.ts';
import type { Logger } from '../ports/logger.ts';
import type { IdentityProof } from '../ports/identity.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { Reply } from './replies.ts';
import type { FlowSet } from '../flows/schema.ts';
import type { Understanding } from '../ports/understanding.ts';
import type { WatchStore } from '../ports/watches.ts';
import type { EffectJournal } from '../ports/effects.ts';
import type { ConversationOutcome, OutcomeStore } from '../ports/outcomes.ts';
import { outcomeRecord, settledOutcome } from './outcome.ts';
import { newSnapshot, type Snapshot, type Subject } from './snapshot.ts';
import { findingResults, renderTranscript } from './transcript.ts';
import { HUMAN_CHOICE, MENU_CHOICE, isProven, transition, type CheckRequest, type ConfirmProofRequest, type EngineEvent, type Effect, type EscalateRequest, type ProofRequest, type TicketStatusRequest } from './transition.ts';
import type { CentreWords } from '../flows/words.ts';
import { EffectLedger } from './effect-ledger.ts';
import type { HandoverAbilities } from './env.ts';
import { raiseSessionEpoch } from './session-epoch.ts';

export interface RunnerDeps {
  flows: FlowSet;
  understanding: Understanding;
  words: CentreWords;
  checks: CheckRunner;
  store: ConversationStore<Snapshot>;
  tickets: TicketSink;
  /** What the configured ticket systems can do for the person: which lines say how the answer comes. */
  handover?: HandoverAbilities;
  /** "Any news?": the ticket's status from the sink that can tell (RT, Zammad); without it the person is told when to expect an answer. */
  ticketStatus?: TicketStatusReader;
  clock: Clock;
  codeKey: string;
  idleMs: number;
  log: Logger;
  /** Durable watches on pending tokens ("tell me when it is active"). */
  watches?: WatchStore;
  /** Sends proof-of-identity links, for channels that cannot vouch for the person. */
  identity?: IdentityProof;
  metrics?: Metrics;
  /** The turn's effects written down in the store, so a re-run on another replica (this one killed) finds them. */
  effects?: EffectJournal;
  /** Where each conversation's outcome and "Did this help?" answer are recorded, once. */
  outcomes?: OutcomeStore;
}

export interface TurnOptions {
  /** The language the channel knows the person uses; otherwise it is guessed from what they type. */
  lang?: Lang;
  /** Who the channel knows this is (terminal --user, Slack profile e-mail, the web request's address). */
  subject?: Subject;
  channel?: string;
  /** The channel cannot vouch for the person: account facts wait for a proof of identity. */
  requireProof?: boolean;
  /** Where the request came from (rate limits of identity proofs). */
  origin?: string;
  /** A notice from outside the conversation (a watch): an idle conversation is not started afresh. */
  notice?: boolean;
  /** Told before each check runs, so a channel can show progress in place. */
  onProgress?: (text: string) => void | Promise<void>;
}

export interface TurnResult {
  replies: Reply[];
  snapshot: Snapshot;
  /** Set when the conversation was new, had expired, or could not be read. */
  fresh: boolean;
  /**
   * False when the person was answered but the turn is not in the store: it failed (the apology),
   * or its save did (kept in this process). An event from a platform's inbox then stays there for
   * another try instead of being marked done.
   */
  saved: boolean;
}

const MAX_EFFECTS_PER_TURN = 20;
/** Conversations whose last turn could not be saved, kept in this process until the next turn saves them. */
const MAX_UNSAVED = 1000;
/**
 * Times a turn is run again when another replica saved the same conversation first; between tries
 * it waits a little, at random, so two replicas racing on one conversation stop colliding.
 */
const MAX_CONFLICT_RETRIES = 20;

/** The channel a turn came from: as the channel says, else the conversation id's prefix (`web:…`). */
function channelOf(conversationId: string, options: TurnOptions): string {
  return options.channel ?? conversationId.split(':')[0] ?? 'other';
}

export class ConversationRunner {
  private readonly queues = new Map<string, Promise<unknown>>();
  /**
   * Turns that ran (their effects done: a ticket filed, a code mailed) but could not be saved, a full
   * disk say: kept here, and saved before the conversation's next turn runs, so nothing is lost.
   */
  private readonly unsaved = new Map<string, { snapshot: Snapshot; version: number }>();

  constructor(private readonly deps: RunnerDeps) {}

  /** Turns for one conversation run one at a time, in arrival order. */
  turn(id: string, event: EngineEvent, options: TurnOptions = {}): Promise<TurnResult> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(() => this.guardedTurn(id, event, options));
    const tail = next.catch(() => undefined);
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return next;
  }

  async peek(id: string): Promise<Snapshot | undefined> {
    const loaded = await this.deps.store.load(id);
    return loaded.kind === 'found' ? loaded.snapshot : undefined;
  }

  transcript(snapshot: Snapshot, lang?: Lang): string[] {
    return renderTranscript(this.deps.flows, this.deps.words, snapshot, lang);
  }

  private async guardedTurn(id: string, event: EngineEvent, options: TurnOptions): Promise<TurnResult> {
    const now = this.deps.clock.now();
    let snapshot: Snapshot | undefined;
    try {
      // Optimistic: a turn of this conversation that another replica saved in the meantime makes
      // this save conflict, and the turn runs again on what that one left (nothing is lost). Its
      // side effects are remembered for the whole turn, so the re-run neither repeats nor undoes them.
      const done = new EffectLedger(this.deps.effects && { journal: this.deps.effects, conversationId: id, now });
      for (let attempt = 0; ; attempt++) {
        const { snapshot: loaded, version, notices, fresh, expired } = await this.open(id, now, options);
        snapshot = loaded;
        done.rewind(version);
        const { replies, snapshot: after } = await this.run(loaded, fresh && (event.type === 'resume' || event.type === 'repeat') ? { type: 'start' } : event, options, done);
        try {
          await this.deps.store.save(after, version);
          this.unsaved.delete(id);
        } catch (err) {
          if (!(err instanceof HelpdeskError && err.code === 'store.conflict')) return this.keepUnsaved(after, version, [...notices, ...replies], fresh, err);
          // Another replica saved first: its state wins over one kept here after a failed save.
          this.unsaved.delete(id);
          if (attempt >= MAX_CONFLICT_RETRIES) throw err;
          this.deps.log.info('conversation changed by another turn; running this one again', { conversation: id, attempt: attempt + 1, effectsKept: done.size });
          await new Promise((r) => setTimeout(r, Math.random() * 5 * Math.min(attempt + 1, 10)));
          continue;
        }
        await this.recordOutcomes(fresh ? undefined : loaded, after, expired, options);
        return { replies: [...notices, ...replies], snapshot: after, fresh, saved: true };
      }
    } catch (err) {
      this.deps.log.error('turn failed', { code: errorCode(err), conversation: id, err });
      const lang = snapshot?.lang ?? options.lang ?? 'en';
      const c = catalogues[lang];
      const apology: Reply[] = [
        { kind: 'text', text: render(c.system.apology, { ...this.deps.words }) },
        {
          kind: 'choices',
          prompt: c.system.menu_prompt,
          choices: [
            { id: HUMAN_CHOICE, label: c.shared.talk_to_human ?? 'Talk to a person' },
            { id: MENU_CHOICE, label: c.shared.back_to_menu ?? 'Menu' },
          ],
        },
      ];
      if (err instanceof HelpdeskError && err.code === 'store.unavailable') throw err;
      return { replies: apology, snapshot: snapshot ?? newSnapshot(id, now, { lang }), fresh: false, saved: false };
    }
  }

  private keepUnsaved(after: Snapshot, version: number, replies: Reply[], fresh: boolean, err: unknown): TurnResult {
    this.deps.log.error('turn could not be saved; kept in memory', { code: errorCode(err), conversation: after.id, err });
    if (this.unsaved.size >= MAX_UNSAVED && !this.unsaved.has(after.id)) this.unsaved.delete(this.unsaved.keys().next().value as string);
    this.unsaved.set(after.id, { snapshot: after, version });
    const line: Reply = { kind: 'text', text: render(catalogues[after.lang].system.not_saved, { ...this.deps.words }) };
    return { replies: [...replies, line], snapshot: after, fresh, saved: false };
  }

  /**
   * After a saved turn: the outcome it decided, the feedback it took, and the outcome of the idle
   * conversation it replaced. Each is an insert or update that happens once per conversation (a
   * re-run or a second replica changes nothing); one missed here (this replica killed) is settled
   * when the conversation goes quiet. A failure is logged: the person has their answer.
   */
  private async recordOutcomes(before: Snapshot | undefined, after: Snapshot, expired: Snapshot | undefined, options: TurnOptions): Promise<void> {
    const store = this.deps.outcomes;
    if (!store) return;
    const channel = channelOf(after.id, options);
    const count = (o: ConversationOutcome) =>
      this.deps.metrics?.count('helpdesk_conversation_outcomes_total', { channel, topic: o.flow ?? 'none', lang: o.lang, outcome: o.kind, how: o.how ?? '' });
    try {
      const old = expired && settledOutcome(expired, channel);
      if (old && (await store.record(old))) count(old);
      if (after.outcome && !before?.outcome) {
        const o = outcomeRecord(after, after.outcome, channel);
        if (await store.record(o)) count(o);
      }
      const f = after.feedback;
      const was = before?.feedback;
      if (f?.helpful !== undefined && (was?.helpful === undefined || (f.comment && !was.comment))) {
        await store.feedback(after.id, after.startedAt, f.helpful, f.comment);
        if (was?.helpful === undefined) this.deps.metrics?.count('helpdesk_feedback_total', { channel, topic: after.outcome?.flow ?? 'none', lang: after.lang, helpful: f.helpful ? 'yes' : 'no' });
      }
    } catch (err) {
      this.deps.log.warn('outcome not recorded; settled when the conversation goes quiet', { code: errorCode(err), conversation: after.id, err });
    }
  }

  private async open(id: string, now: number, options: TurnOptions): Promise<{ snapshot: Snapshot; version: number; notices: Reply[]; fresh: boolean; expired?: Snapshot }> {
    // A turn kept after a failed save goes on from there (it is saved with this one).
    const kept = this.unsaved.get(id);
    const loaded: LoadOutcome<Snapshot> = kept ? { kind: 'found', snapshot: structuredClone(kept.snapshot), version: kept.version } : await this.deps.store.load(id);
    const make = () => newSnapshot(id, now, { ...(options.lang ? { lang: options.lang } : {}), subject: { ...options.subject } });
    // A notice (a watch firing hours later) is said in the conversation as it stands, idle or not.
    const idle = (s: Snapshot) => !options.notice && now - s.updatedAt > this.deps.idleMs;
    if (loaded.kind !== 'found' || idle(loaded.snapshot)) {
      this.deps.metrics?.count('helpdesk_conversations_started_total', { channel: channelOf(id, options) });
    }
    if (loaded.kind === 'none') return { snapshot: make(), version: 0, notices: [], fresh: true };
    if (loaded.kind === 'quarantined') {
      this.deps.log.warn('stored conversation unreadable; set aside', { conversation: id, reason: loaded.reason });
      return { snapshot: make(), version: 0, notices: [], fresh: true };
    }
    const s = loaded.snapshot;
    if (idle(s)) {
      const lang = options.lang ?? s.lang;
      return { snapshot: make(), version: loaded.version, notices: [{ kind: 'text', text: catalogues[lang].system.expired, notice: true }], fresh: true, expired: s };
    }
    // What the channel knows about the person wins over what was typed earlier.
    if (options.subject) s.subject = { ...s.subject, ...options.subject };
    if (options.lang && options.lang !== s.lang) {
      s.lang = options.lang;
      s.langFixed = true;
    }
    return { snapshot: s, version: loaded.version, notices: [], fresh: false };
  }

  private async run(start: Snapshot, first: EngineEvent, options: TurnOptions, done: EffectLedger): Promise<{ replies: Reply[]; snapshot: Snapshot }> {
    const replies: Reply[] = [];
    let snapshot = start;
    let event: EngineEvent | undefined = first;
    // Proved or handed over in this turn: a session planted before it must not find it after.
    let renew = false;
    for (let i = 0; event && i <= MAX_EFFECTS_PER_TURN; i++) {
      const r = transition(
        {
          flows: this.deps.flows,
          understanding: this.deps.understanding,
          words: this.deps.words,
          now: this.deps.clock.now(),
          codeKey: this.deps.codeKey,
          requireProof: options.requireProof ?? false,
          ...(this.deps.handover ? { handover: this.deps.handover } : {}),
        },
        snapshot,
        event,
      );
      snapshot = r.snapshot;
      replies.push(...r.replies);
      const effect = r.effect;
      const at = snapshot;
      event = effect ? await done.once(effect, (key) => this.perform(at, effect, options, key)) : undefined;
      if (event?.type === 'proven' || event?.type === 'escalated') renew = true;
    }
    if (event) throw new HelpdeskError('engine.fault', `conversation ${start.id} asked for more than ${MAX_EFFECTS_PER_TURN} checks in one turn`);
    if (renew) raiseSessionEpoch(snapshot);
    return { replies, snapshot };
  }

  /**
   * Does what a turn asked, by the effect's kind: one handler each (PERFORMERS below). A kind with no
   * handler does not compile; one that arrives anyway (a snapshot from a newer build) is a fault.
   * `key`: the idempotency key the sink is handed (a ticket, a proof mail), when the turn is journaled.
   */
  private async perform(s: Snapshot, effect: Effect, options: TurnOptions, key?: string): Promise<EngineEvent> {
    const handler = Object.hasOwn(PERFORMERS, effect.type) ? (PERFORMERS[effect.type] as Performer<Effect>) : undefined;
    if (!handler) throw new HelpdeskError('engine.fault', `no handler for the effect "${(effect as { type: unknown }).type}"`);
    return handler({ deps: this.deps, s, options, ...(key ? { key } : {}) }, effect);
  }
}

/** What an effect's handler is given: the runner's ports, the conversation as the turn left it, the turn's options. */
interface PerformContext {
  deps: RunnerDeps;
  s: Snapshot;
  options: TurnOptions;
  /** The sink's idempotency key: the same turn run again (its replica killed) does not do it twice. */
  key?: string;
}

type Performer<E extends Effect> = (c: PerformContext, effect: E) => Promise<EngineEvent>;

function identityOf(deps: RunnerDeps): IdentityProof {
  if (!deps.identity) throw new HelpdeskError('engine.fault', 'this channel needs a proof of identity, but none is configured');
  return deps.identity;
}

async function sendProof({ deps, s, options, key }: PerformContext, effect: ProofRequest): Promise<EngineEvent> {
  await identityOf(deps).sendProof({
    conversationId: s.id,
    who: effect.who,
    lang: s.lang,
    channel: channelOf(s.id, options),
    ...(options.origin ? { origin: options.origin } : {}),
    ...(key ? { key } : {}),
  });
  return { type: 'proof-sent' };
}

async function confirmProof({ deps, s }: PerformContext, effect: ConfirmProofRequest): Promise<EngineEvent> {
  const r = await identityOf(deps).confirm(s.id, effect.code);
  return r.ok ? { type: 'proven', user: r.user, how: 'email', ...(r.email ? { email: r.email } : {}) } : { type: 'proof-failed', reason: r.reason };
}

async function watch({ deps, s, options }: PerformContext): Promise<EngineEvent> {
  // A watch step follows a token check that found the token pending, so the person is known (and
  // proven where that is needed); anything else is a flow or wiring fault, not something to paper over.
  if (!deps.watches) throw new HelpdeskError('engine.fault', 'a flow keeps a token watch, but no watch store is configured');
  if (!s.subject.user) throw new HelpdeskError('engine.fault', `flow ${s.flow} keeps a token watch before it knows whose token`);
  const { created } = await deps.watches.add(
    {
      user: s.subject.user,
      conversationId: s.id,
      channel: channelOf(s.id, options),
      lang: s.lang,
      ...(isProven(s.subject.identity) && s.subject.email ? { email: s.subject.email } : {}),
    },
    deps.clock.now(),
  );
  deps.log.info('token watch', { conversation: s.id, created });
  return { type: 'watched', created };
}

async function unwatch({ deps, s }: PerformContext): Promise<EngineEvent> {
  return { type: 'unwatched', count: (await deps.watches?.stop(s.id, deps.clock.now())) ?? 0 };
}

async function check({ deps, s, options }: PerformContext, effect: CheckRequest): Promise<EngineEvent> {
  if (options.onProgress) {
    const c = catalogues[s.lang];
    await Promise.resolve(options.onProgress(render(c.system.checking, { what: c.checkTitle[effect.check].toLowerCase() }))).catch((err: unknown) =>
      deps.log.warn('progress update failed', { conversation: s.id, err }),
    );
  }
  const input: CheckInput = {
    lang: s.lang,
    ...(s.subject.user ? { user: s.subject.user } : {}),
    ...(s.subject.ip ? { ip: s.subject.ip } : {}),
    ...(s.slots.deviceTime ? { deviceTime: { text: s.slots.deviceTime.v, receivedAtMs: s.slots.deviceTime.t, typed: true } } : {}),
    ...(s.measured ? { deviceMeasured: { offsetMs: s.measured.offsetMs, errorMs: s.measured.errorMs, atMs: s.measured.at } } : {}),
    ...(effect.code ? { code: effect.code } : {}),
    ...(effect.reusedAfterSeconds !== undefined ? { reusedAfterSeconds: effect.reusedAfterSeconds } : {}),
    ...(s.slots.codeShown?.v ? { codeShown: true } : {}),
    // The code just typed is the last entry and has no offset yet.
    codeOffsets: s.codes.slice(0, effect.check === 'code' ? -1 : undefined).map((c) => c.off),
  };
  const out = await deps.checks.run(effect.check, input);
  deps.log.info('check', { conversation: s.id, check: effect.check, outcome: out.result.code });
  return { type: 'checked', result: out.result, ...(out.extra ? { extra: out.extra } : {}) };
}

async function escalate({ deps, s, key }: PerformContext, effect: EscalateRequest): Promise<EngineEvent> {
  const findings = findingResults(s);
  try {
    const { reference } = await deps.tickets.open({
      conversationId: s.id,
      urgent: effect.urgent,
      lang: s.lang,
      subject: s.subject,
      ...(s.note ? { note: s.note } : {}),
      ...(effect.relatesTo ? { relatesTo: effect.relatesTo } : {}),
      ...(effect.relatesTo && effect.solved ? { solved: true } : {}),
      ...(s.reach === 'here' ? { reachInChat: true } : {}),
      transcript: effect.attach.includes('transcript') ? renderTranscript(deps.flows, deps.words, s, 'en') : [],
      findings: effect.attach.includes('checks') ? findings : [],
      createdAt: new Date(deps.clock.now()).toISOString(),
    }, key ? { key } : {});
    deps.log.info(effect.relatesTo ? 'follow-up filed' : 'escalated', { conversation: s.id, ticket: reference, urgent: effect.urgent });
    // A follow-up is part of the ticket already open: the person keeps that reference.
    return { type: 'escalated', ticket: effect.relatesTo ?? reference, ...(effect.relatesTo ? { followUp: true, ...(effect.solved ? { solved: true } : {}) } : {}) };
  } catch (err) {
    deps.log.error('ticket could not be filed', { code: errorCode(err), conversation: s.id, err });
    return { type: 'escalated', ticket: null };
  }
}

async function ticketStatus({ deps, s }: PerformContext, effect: TicketStatusRequest): Promise<EngineEvent> {
  try {
    const got = await deps.ticketStatus?.status(effect.reference);
    deps.log.info('ticket status', { conversation: s.id, ticket: effect.reference, state: got?.state ?? 'unknown', sink: got?.sink ?? 'none' });
    return { type: 'ticket-status', reference: effect.reference, state: got?.state ?? null };
  } catch (err) {
    // The reader says undefined for a sink that does not answer; anything thrown is the store's.
    deps.log.warn('ticket status could not be read', { code: errorCode(err), conversation: s.id, ticket: effect.reference, err });
    return { type: 'ticket-status', reference: effect.reference, state: null };
  }
}

/** One handler per kind of effect: a kind added to `Effect` without one here is a type error. */
const PERFORMERS: { [K in Effect['type']]: Performer<Extract<Effect, { type: K }>> } = {
  'send-proof': sendProof,
  'confirm-proof': confirmProof,
  watch,
  unwatch,
  check,
  escalate,
  'ticket-status': ticketStatus,
};
