// Proof of identity by e-mail: a one-time code mailed to the address on the account, typed by the
// person into the conversation that asked. The lookup and the mail run in a queue after the turn,
// so an unknown name and a real one look the same to the asker, in words and in time.
import Bottleneck from 'bottleneck';
import { lookupAccount } from '../checks/account.ts';
import type { CheckDeps } from '../checks/context.ts';
import { catalogues, render } from '../i18n/index.ts';
import type { IdentityProof, ProofConfirmation, ProofRequest } from '../ports/identity.ts';
import type { Logger } from '../ports/logger.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { Clock } from '../ports/time.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { AttemptLimiter, RateLimits } from '../ports/limits.ts';
import { formatProofCode, type SqlProofCodes } from './proof-codes.ts';

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
}

/**
 * Every queued request holds its place in the queue this long, whatever the name: the mail itself is
 * sent outside the queue, so requests for an existing account do not hold up the ones behind them
 * longer than requests for a missing one (an attacker timing their own mail behind someone else's).
 */
export const PROOF_QUEUE_PAUSE_MS = 200;

export class EmailProof implements IdentityProof {
  // Per conversation, per origin, per account for each requester, and per account overall: a flood of
  // requests sends a handful of mails, and strangers asking for someone's name do not use up the
  // owner's share (the owner asks from their own chat and address).
  private readonly perConversation: AttemptLimiter;
  private readonly perAccountFrom: AttemptLimiter;
  private readonly perAccount: AttemptLimiter;
  private readonly perOrigin: AttemptLimiter;
  private readonly queue = new Bottleneck({ maxConcurrent: 2 });
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly o: EmailProofOptions) {
    // In Redis or PostgreSQL when several replicas serve: the counts are for the whole deployment.
    this.perConversation = o.limits.limiter('proof-conversation', 3, 10 * 60_000);
    this.perAccountFrom = o.limits.limiter('proof-account-from', 3, 60 * 60_000);
    this.perAccount = o.limits.limiter('proof-account', 20, 60 * 60_000);
    this.perOrigin = o.limits.limiter('proof-origin', 10, 10 * 60_000);
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
    const code = await this.o.codes.create(req.conversationId, at + this.o.linkMinutes * 60_000);
    const job = this.queue
      .schedule(() => this.deliver(req, code, at))
      .catch((err: unknown) => this.o.log.error('proof mail job failed', { code: 'proof.fault', conversation: req.conversationId, err }));
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
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

  async stop(): Promise<void> {
    await this.queue.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }

  /** The queued part: the lookup, then a constant pause; the mail goes on outside the queue. */
  private async deliver(req: ProofRequest, code: string, at: number): Promise<void> {
    const started = performance.now();
    const mail = await this.prepare(req, code, at);
    if (mail) {
      const sending = mail().catch((err: unknown) => this.o.log.error('proof mail job failed', { code: 'proof.fault', conversation: req.conversationId, err }));
      this.pending.add(sending);
      void sending.finally(() => this.pending.delete(sending));
    }
    const left = PROOF_QUEUE_PAUSE_MS - (performance.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, Math.ceil(left)));
  }

  /** Looks the name up and binds the code; the mail to send, if any. */
  private async prepare(req: ProofRequest, code: string, at: number): Promise<(() => Promise<void>) | undefined> {
    const found = await lookupAccount(this.o.deps, req.who);
    // What happens from here on is only in the log (at debug): no metric, no answer tells the asker.
    if (found.kind !== 'found' || !found.account.email) {
      this.o.log.debug('identity proof: no mail', { conversation: req.conversationId, why: found.kind });
      return;
    }
    const requester = `${found.account.username}|${req.origin ?? req.conversationId}`;
    if (!(await this.perAccountFrom.allow(requester)) || !(await this.perAccount.allow(found.account.username))) {
      this.o.log.warn('identity proof rate-limited for an account', { conversation: req.conversationId });
      return;
    }
    await this.o.codes.bind(req.conversationId, code, found.account.username, found.account.email);
    const m = catalogues[req.lang].mail;
    const where = m[`where_${req.channel}` as keyof typeof m] ?? m.where_other;
    const vars = {
      centre: this.o.centre,
      code: formatProofCode(code),
      minutes: this.o.linkMinutes,
      where,
      when: new Date(at).toISOString().slice(0, 16).replace('T', ' '),
      from: req.channel === 'web' && req.origin ? render(m.from_address, { ip: req.origin }) : '',
      support_email: this.o.supportEmail,
    };
    const to = found.account.email;
    return async () => {
      try {
        await this.o.mailer.send({ to, subject: render(m.proof_subject, vars), text: render(m.proof_body, vars) });
      } catch (err) {
        this.o.log.error('proof mail could not be sent', { code: 'upstream.unavailable', conversation: req.conversationId, err });
      }
    };
  }
}
