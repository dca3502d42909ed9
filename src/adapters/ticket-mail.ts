// Tickets by e-mail to the support address, shaped for a ticket system's mail gateway (RT, osTicket,
// Zammad) as much as for a person: Reply-To is the person's address when they proved it, so the
// gateway makes them the requestor, not the bot; the subject carries a configurable tag with the
// reference; a follow-up carries In-Reply-To and References to the first mail. The Message-ID is the
// reference, so a resend is recognisably the same mail.
import type { Mailer } from '../ports/mailer.ts';
import type { Ticket } from '../ports/tickets.ts';
import type { DeliveryContext, TicketDelivery } from './ticket-queue.ts';
import { HelpdeskError } from '../errors.ts';
import { provenEmail, ticketText } from './ticket-text.ts';

export { ticketText } from './ticket-text.ts';

/** The Message-ID of a ticket's mail. */
export const ticketMessageId = (reference: string) => `<${reference}@2fa-helpdesk>`;

export interface MailTicketOptions {
  to: string;
  centre: string;
  /**
   * Put before the subject; `{reference}` is the ticket's reference (a follow-up's: the ticket it
   * follows up, so a gateway that threads by a tag threads it). Default `[{reference}]`.
   */
  subjectTag?: string;
}

export class MailTicketDelivery implements TicketDelivery {
  readonly name = 'mail';

  constructor(
    private readonly mailer: Mailer,
    private readonly options: MailTicketOptions,
  ) {}

  async deliver(reference: string, t: Ticket, ctx: DeliveryContext = {}): Promise<void> {
    const thread = ctx.parent?.reference ?? t.relatesTo;
    const tag = (this.options.subjectTag ?? '[{reference}]').replaceAll('{reference}', thread ?? reference);
    const what = `${t.urgent ? 'URGENT: ' : ''}${this.options.centre} 2FA helpdesk: ${t.subject.user ?? 'unknown user'}`;
    const replyTo = provenEmail(t);
    await this.mailer.send({
      to: this.options.to,
      subject: `${thread ? 'Re: ' : ''}${tag} ${thread ? `follow-up ${reference}: ` : ''}${what}`,
      text: ticketText(reference, { ...t, transcript: [] }),
      messageId: ticketMessageId(reference),
      ...(replyTo ? { replyTo } : {}),
      ...(thread ? { inReplyTo: ticketMessageId(thread), references: [ticketMessageId(thread)] } : {}),
      attachments: [
        { filename: `${reference}-transcript.txt`, content: `${t.transcript.join('\n')}\n`, contentType: 'text/plain; charset=utf-8' },
        { filename: `${reference}-report.json`, content: JSON.stringify({ reference, findings: t.findings }, null, 2), contentType: 'application/json' },
      ],
    });
  }
}

export class WebhookTicketDelivery implements TicketDelivery {
  readonly name = 'webhook';

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async deliver(reference: string, t: Ticket): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': reference },
      body: JSON.stringify({ reference, ...t, replyTo: provenEmail(t) ?? null }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new HelpdeskError('upstream.unavailable', `TICKET_WEBHOOK_URL answered HTTP ${res.status}`);
  }
}
