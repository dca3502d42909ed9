// Tickets by e-mail to the support address: the summary in the body, the transcript and the
// findings attached. The Message-ID is the ticket reference, so a resend is recognisably the same.
import type { Mailer } from '../ports/mailer.ts';
import type { Ticket } from '../ports/tickets.ts';
import type { TicketDelivery } from './ticket-queue.ts';
import { HelpdeskError } from '../errors.ts';

export function ticketText(reference: string, t: Ticket): string {
  const lines = [
    `Ticket ${reference}${t.urgent ? ' — URGENT (possible account takeover)' : ''}`,
    '',
    `User: ${t.subject.user ?? '(not given)'}${t.subject.identity ? ` (identity: ${t.subject.identity})` : ''}`,
    `E-mail: ${t.subject.email ?? '(not given)'}`,
    `Address: ${t.subject.ip ?? '(unknown)'}`,
    `Language: ${t.lang}`,
    `Conversation: ${t.conversationId}`,
    `Created: ${t.createdAt}`,
    ...(t.relatesTo ? [`Follow-up to: ${t.relatesTo}`] : []),
  ];
  if (t.note) lines.push('', 'What happened:', t.note);
  if (t.findings.length) {
    lines.push('', 'Findings:');
    for (const f of t.findings) lines.push(`- [${f.status}] ${f.code}: ${f.summary}`);
  }
  return `${lines.join('\n')}\n`;
}

export class MailTicketDelivery implements TicketDelivery {
  readonly name = 'smtp';

  constructor(
    private readonly mailer: Mailer,
    private readonly to: string,
    private readonly centre: string,
  ) {}

  async deliver(reference: string, t: Ticket): Promise<void> {
    await this.mailer.send({
      to: this.to,
      subject: `${t.urgent ? '[URGENT] ' : ''}${this.centre} 2FA helpdesk ${reference}: ${t.subject.user ?? 'unknown user'}`,
      text: ticketText(reference, t),
      messageId: `<${reference}@2fa-helpdesk>`,
      ...(t.relatesTo ? { inReplyTo: `<${t.relatesTo}@2fa-helpdesk>` } : {}),
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
      body: JSON.stringify({ reference, ...t }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new HelpdeskError('upstream.unavailable', `TICKET_WEBHOOK_URL answered HTTP ${res.status}`);
  }
}
