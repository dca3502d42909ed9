// Proof of identity by e-mail: a one-time link to the address on the account. Whether or not an
// account matches, the person is told the same thing, and the same limits apply.
import { lookupAccount } from '../checks/account.ts';
import type { CheckDeps } from '../checks/context.ts';
import type { IdentityProof, ProofRequest } from '../ports/identity.ts';
import type { LinkStore } from '../ports/links.ts';
import type { Logger } from '../ports/logger.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { Clock } from '../ports/time.ts';
import type { Metrics } from '../ports/metrics.ts';
import { WindowLimiter } from './limits.ts';

export interface EmailProofOptions {
  deps: Pick<CheckDeps, 'enrollment'>;
  links: LinkStore;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  publicUrl: string;
  centre: string;
  linkMinutes: number;
}

const TEXT = {
  en: (centre: string, url: string, minutes: number) =>
    `Someone (hopefully you) asked the ${centre} two-factor helpdesk about this account.\n\nOpen this link to continue the conversation; it works once, for ${minutes} minutes:\n\n${url}\n\nIf this was not you, ignore this mail. Support will never ask for your password or a code.\n`,
  sv: (centre: string, url: string, minutes: number) =>
    `Någon (förhoppningsvis du) har frågat ${centre}s tvåfaktorshjälp om det här kontot.\n\nÖppna länken för att fortsätta samtalet; den fungerar en gång, i ${minutes} minuter:\n\n${url}\n\nOm det inte var du kan du bortse från mejlet. Supporten ber aldrig om ditt lösenord eller en kod.\n`,
};

export class EmailProof implements IdentityProof {
  // Per conversation, per account and per origin: a flood of requests sends a handful of mails.
  private readonly perConversation: WindowLimiter;
  private readonly perAccount: WindowLimiter;
  private readonly perOrigin: WindowLimiter;

  constructor(private readonly o: EmailProofOptions) {
    this.perConversation = new WindowLimiter(3, 10 * 60_000, o.clock);
    this.perAccount = new WindowLimiter(3, 60 * 60_000, o.clock);
    this.perOrigin = new WindowLimiter(10, 10 * 60_000, o.clock);
  }

  async sendProof(req: ProofRequest): Promise<void> {
    if (!this.perConversation.allow(req.conversationId) || (req.origin && !this.perOrigin.allow(req.origin))) {
      this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: 'rate-limited' });
      this.o.log.warn('identity proof rate-limited', { conversation: req.conversationId });
      return;
    }
    const found = await lookupAccount(this.o.deps as CheckDeps, req.who);
    if (found.kind !== 'found' || !found.account.email) {
      this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: found.kind === 'unavailable' ? 'unavailable' : 'no-account' });
      return;
    }
    if (!this.perAccount.allow(found.account.username)) {
      this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: 'rate-limited' });
      return;
    }
    const token = this.o.links.create({
      kind: 'proof',
      conversationId: req.conversationId,
      subject: found.account.username,
      expiresAt: this.o.clock.now() + this.o.linkMinutes * 60_000,
    });
    const url = `${this.o.publicUrl}/verify/${token}`;
    try {
      await this.o.mailer.send({
        to: found.account.email,
        subject: req.lang === 'sv' ? `${this.o.centre}: bekräfta att det är du` : `${this.o.centre}: confirm it is you`,
        text: TEXT[req.lang](this.o.centre, url, this.o.linkMinutes),
      });
      this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: 'sent' });
    } catch (err) {
      // The person is told the same either way; staff see it in the log and the metrics.
      this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: 'mail-failed' });
      this.o.log.error('proof mail could not be sent', { code: 'upstream.unavailable', err });
    }
  }
}
