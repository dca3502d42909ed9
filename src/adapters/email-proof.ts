// Proof of identity by e-mail: a one-time code mailed to the address on the account, typed by the
// person into the conversation that asked. The lookup runs in a queue after the turn, so an unknown
// name and a real one look the same to the asker, in words and in time. The mail waits in its code's
// row until the relay takes it: sent by one replica, tried again while the code holds, never twice.
import { isIP } from 'node:net';
import Bottleneck from 'bottleneck';
import { lookupAccount } from '../checks/account.ts';
import type { CheckDeps } from '../checks/context.ts';
import { catalogues, render } from '../i18n/index.ts';
import type { MailedProof, ProofConfirmation, ProofRequest } from '../ports/identity.ts';
import type { Logger } from '../ports/logger.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { Clock } from '../ports/time.ts';
import type { Lang } from '../ports/lang.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { AttemptLimiter, RateLimits } from '../ports/limits.ts';
import { delayAfter } from './backoff.ts';
import { formatProofCode, type QueuedProofMail, type SqlProofCodes } from './proof-codes.ts';

export interface EmailProofOptions {
  deps: Pick<CheckDeps, 'accounts'>;
  codes: SqlProofCodes;
  limits: RateLimits;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  centre: string;
  supportEmail: string;
  linkMinutes: number;
  /** Where a request on `channel` was made, as a mail says it (the channel's own words); else "in a chat". */
  whereIs?: (channel: string, lang: Lang) => string | undefined;
  /** Whether a request's origin on `channel` is the person's address, which the mail then shows. */
  showsAddress?: (channel: string) => boolean;
}

/**
 * Every queued request holds its place in the queue this long, whatever the name: the mail itself is
 * sent outside the queue, so requests for an existing account do not hold up the ones behind them
 * longer than requests for a missing one (an attacker timing their own mail behind someone else's).
 */
export const PROOF_QUEUE_PAUSE_MS = 200;

/**
 * How long a proof mail's send waits for a silent relay before it gives up (and tries again while the
 * code holds). The code lives minutes: RFC 5321's ten minutes, right for a ticket, would outlast it.
 */
export const PROOF_SMTP_REPLY_TIMEOUT_MS = 60_000;
/**
 * A mail being sent is not taken by another replica for this long, nor past its code's expiry: longer
 * than a send can take (connecting and the greeting, 10 s each, then the relay silent at most
 * PROOF_SMTP_REPLY_TIMEOUT_MS), shorter than the code it carries. A replica that dies mid-send leaves
 * it to another after this (the relay may have it); one that stops hands it back at once.
 */
export const PROOF_MAIL_LEASE_MS = 2 * 60_000;
/** A request not bound by the replica that took it this long after (dead, the directory silent) is any replica's. */
export const PROOF_LOOKUP_GRACE_MS = 30_000;
/** How often waiting mails are looked for (a new one is sent at once; this finds the retries). */
const PROOF_MAIL_POLL_MS = 5000;

/**
 * Proof mails to one account's owner. A place (an address, a Slack or Discord identity) the account
 * has been proven from in the last 30 days is the owner's own: those places share `owner` an hour.
 * Every other place is a stranger's, whoever it is: all of them together get `strangers` an hour and
 * `strangersPerDay` a day, so however many addresses ask, the owner gets at most that many mails
 * they did not ask for, and still gets a code when asking from one of their own places. Any one
 * place gets `perPlace` an hour.
 */
export const PROOF_BUDGET = { perPlace: 3, owner: 20, strangers: 5, strangersPerDay: 10 } as const;

/** A proof row this replica holds until `dueAt` (see SqlProofCodes.handBack). */
interface HeldProof {
  conversation: string;
  hash: string;
  dueAt: number;
}

export class EmailProof implements MailedProof {
  // Per conversation and per origin before the lookup; then per account (PROOF_BUDGET): a flood of
  // requests sends a handful of mails, and strangers asking for someone's name do not use up the
  // owner's share.
  private readonly perConversation: AttemptLimiter;
  private readonly perOrigin: AttemptLimiter;
  private readonly perPlace: AttemptLimiter;
  private readonly owner: AttemptLimiter;
  private readonly strangers: AttemptLimiter;
  private readonly strangersPerDay: AttemptLimiter;
  /** The owner is told once a day that strangers' requests are held back. */
  private readonly ownerTold: AttemptLimiter;
  private readonly queue = new Bottleneck({ maxConcurrent: 2 });
  private readonly pending = new Set<Promise<void>>();
  private readonly poll: NodeJS.Timeout;
  private sending = false;
  private again = false;
  /** Rows this replica holds (a request it is looking up, a mail it is sending), handed back when it stops. */
  private readonly held = new Map<string, HeldProof>();
  private stopped = false;

  constructor(private readonly o: EmailProofOptions) {
    // In Redis or PostgreSQL when several replicas serve: the counts are for the whole deployment.
    this.perConversation = o.limits.limiter('proof-conversation', 3, 10 * 60_000);
    this.perOrigin = o.limits.limiter('proof-origin', 10, 10 * 60_000);
    this.perPlace = o.limits.limiter('proof-account-from', PROOF_BUDGET.perPlace, 60 * 60_000);
    this.owner = o.limits.limiter('proof-account', PROOF_BUDGET.owner, 60 * 60_000);
    this.strangers = o.limits.limiter('proof-account-strangers', PROOF_BUDGET.strangers, 60 * 60_000);
    this.strangersPerDay = o.limits.limiter('proof-account-strangers-day', PROOF_BUDGET.strangersPerDay, 24 * 3600_000);
    this.ownerTold = o.limits.limiter('proof-owner-told', 1, 24 * 3600_000);
    this.poll = setInterval(() => this.sendWaiting(), PROOF_MAIL_POLL_MS);
    this.poll.unref();
  }

  async sendProof(req: ProofRequest): Promise<void> {
    // Only limits that do not depend on the account are applied here, before anything is looked up.
    if (!(await this.perConversation.allow(req.conversationId)) || (req.origin && !(await this.perOrigin.allow(req.origin)))) {
      this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: 'rate-limited' });
      this.o.log.warn('identity proof rate-limited', { conversation: req.conversationId });
      return;
    }
    this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: 'requested' });
    const at = this.o.clock.now();
    // The request is kept with the code: if this process has not bound it in a while, another takes it.
    const { code, dueAt, hash, again } = await this.o.codes.createFor(req.conversationId, at + this.o.linkMinutes * 60_000, req, at + PROOF_LOOKUP_GRACE_MS);
    if (again || dueAt === null) return;
    const held = this.hold({ conversation: req.conversationId, hash, dueAt });
    this.track(this.queue.schedule(() => this.deliver(req, code, at, dueAt)).finally(held));
  }

  async confirm(conversationId: string, code: string): Promise<ProofConfirmation> {
    const r = await this.o.codes.confirm(conversationId, code);
    this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: r.ok ? 'confirmed' : 'not-confirmed' });
    return r;
  }

  /** Resolves when every queued mail has been sent or given up (tests, and a clean stop). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /**
   * Stops taking work and hands back what this replica holds: requests not yet looked up and mails
   * still at the relay (a hung one, say) are due again at once for another replica, instead of
   * waiting out their lease. A relay that took a mail and never said so may then get it twice.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    // What is held now: a request whose lookup then finds the directory silent is due again at once too.
    const held = [...this.held.values()];
    this.held.clear();
    await this.queue.stop({ dropWaitingJobs: true }).catch(() => undefined);
    if (held.length) {
      const n = await this.o.codes.handBack(held).catch((err: unknown) => {
        this.o.log.warn('proof mails could not be handed back; another replica takes them when their lease ends', { code: 'store.unavailable', err });
        return 0;
      });
      this.o.log.info('proof mails handed back', { count: n });
    }
  }

  private hold(row: HeldProof): () => void {
    const key = `${row.conversation}\n${row.hash}`;
    this.held.set(key, row);
    return () => {
      if (this.held.get(key) === row) this.held.delete(key);
    };
  }

  /** Sends the mails due now (each on its own: one stuck at the relay holds up no other); one pass at a time. */
  sendWaiting(): void {
    if (this.stopped) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    const pass = this.o.codes
      .dueMails()
      .then(async (due) => {
        for (const m of due) {
          if (this.stopped) break;
          const claimed = await this.o.codes.claimMail(m, Math.min(PROOF_MAIL_LEASE_MS, m.expiresAt - this.o.clock.now()));
          if (claimed === undefined) continue;
          const held = this.hold({ conversation: m.conversation, hash: m.hash, dueAt: claimed });
          this.track(this.sendOne(m, claimed).finally(held));
        }
      })
      .catch((err: unknown) => this.o.log.warn('proof mails could not be read; will retry', { code: 'store.unavailable', err }))
      .finally(() => {
        this.sending = false;
        if (this.again) {
          this.again = false;
          this.sendWaiting();
        }
      });
    this.track(pass);
  }

  private async sendOne(m: QueuedProofMail, claimed: number): Promise<void> {
    // 2 s, 4 s … doubling up to a minute.
    const retryAt = this.o.clock.now() + delayAfter(m.attempts, 2000, 60_000);
    if (!('mail' in m.work)) {
      // A request the replica that took it did not finish: looked up here, and its mail sent next.
      const outcome = await this.prepare(m.work.request, m.work.code, m.work.at, claimed);
      if (outcome === 'queued') this.sendWaiting();
      else if (outcome === 'unavailable') await this.o.codes.mailFailed(m, retryAt);
      else await this.o.codes.mailSent(m);
      return;
    }
    try {
      await this.o.mailer.send(m.work.mail);
    } catch (err) {
      // The relay did not take it: again soon (the code lasts minutes), while the code holds.
      this.o.log.warn('proof mail could not be sent; will retry', { code: 'upstream.unavailable', conversation: m.conversation, attempt: m.attempts + 1, err });
      await this.o.codes.mailFailed(m, retryAt);
      return;
    }
    await this.o.codes.mailSent(m);
  }

  private track(p: Promise<void>): void {
    const job = p.catch((err: unknown) => this.o.log.error('proof mail job failed', { code: 'proof.fault', err }));
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  /**
   * The queued part: the lookup and the mail queued in the code's row, then a constant pause; the mail
   * goes on outside the queue. A directory that does not answer leaves the request in the row, where
   * any replica's next look finds it after PROOF_LOOKUP_GRACE_MS and asks again while the code holds.
   */
  private async deliver(req: ProofRequest, code: string, at: number, dueAt: number | null): Promise<void> {
    const started = performance.now();
    const outcome = await this.prepare(req, code, at, dueAt);
    if (outcome === 'queued') this.sendWaiting();
    else if (outcome === 'none' && dueAt !== null) await this.o.codes.forget(req.conversationId, code, dueAt);
    const left = PROOF_QUEUE_PAUSE_MS - (performance.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, Math.ceil(left)));
  }

  /** Looks the name up and binds the code with its mail, if the row (due at `dueAt`) is still this caller's. */
  private async prepare(req: ProofRequest, code: string, at: number, dueAt: number | null): Promise<'queued' | 'none' | 'unavailable'> {
    const found = await lookupAccount(this.o.deps, req.who);
    // What happens from here on is only in the log (at debug): no metric, no answer tells the asker.
    if (found.kind !== 'found' || !found.account.email) {
      this.o.log.debug('identity proof: no mail', { conversation: req.conversationId, why: found.kind });
      return found.kind === 'unavailable' ? 'unavailable' : 'none';
    }
    const requester = this.o.codes.requesterOf(req.origin ?? req.conversationId);
    const verdict = await this.allowed(found.account.username, requester);
    if (verdict !== 'ok') {
      this.o.log.warn('identity proof rate-limited for an account', { conversation: req.conversationId });
      if (verdict === 'strangers') await this.tellOwnerOnce(found.account.username, found.account.email, req, at);
      return 'none';
    }
    const m = catalogues[req.lang].mail;
    const vars = { ...this.requestWords(req, at), code: formatProofCode(code), minutes: this.o.linkMinutes };
    const to = found.account.email;
    const mail = { to, subject: render(m.proof_subject, vars), text: render(m.proof_body, vars) };
    return (await this.o.codes.bind(req.conversationId, code, found.account.username, to, mail, dueAt, requester)) ? 'queued' : 'none';
  }

  /**
   * The account's budget (PROOF_BUDGET): the owner's own places draw on theirs, every other place on
   * the strangers'. Which budget refused, if one did.
   */
  private async allowed(account: string, requester: string): Promise<'ok' | 'place' | 'owner' | 'strangers'> {
    const user = account.toLowerCase();
    if (!(await this.perPlace.allow(`${user}|${requester}`))) return 'place';
    if (await this.o.codes.trusted(user, requester)) return (await this.owner.allow(user)) ? 'ok' : 'owner';
    return (await this.strangers.allow(user)) && (await this.strangersPerDay.allow(user)) ? 'ok' : 'strangers';
  }

  /** What a mail says of the request: where and when it was made, from which address (web), whom to ask. */
  private requestWords(req: ProofRequest, at: number) {
    const m = catalogues[req.lang].mail;
    return {
      centre: this.o.centre,
      where: this.o.whereIs?.(req.channel, req.lang) ?? m.where_other,
      when: new Date(at).toISOString().slice(0, 16).replace('T', ' '),
      from: req.origin && isIP(req.origin) && this.o.showsAddress?.(req.channel) ? render(m.from_address, { ip: req.origin }) : '',
      support_email: this.o.supportEmail,
    };
  }

  /** The strangers' budget is spent: the owner is told so, once a day, in a mail with no code. */
  private async tellOwnerOnce(account: string, to: string, req: ProofRequest, at: number): Promise<void> {
    if (!(await this.ownerTold.allow(account.toLowerCase()))) return;
    const m = catalogues[req.lang].mail;
    const vars = this.requestWords(req, at);
    this.o.log.warn('proof mails for an account held back; its owner is told', { conversation: req.conversationId });
    this.track(this.o.mailer.send({ to, subject: render(m.held_back_subject, vars), text: render(m.held_back_body, vars) }));
  }
}
