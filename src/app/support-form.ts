// The support form's side of the engine (the web page's /support): what the form may be filled in
// with from the person's conversation (only what they proved), and the ticket it opens with the
// conversation's transcript and findings attached.
import { findingResults } from '../engine/transcript.ts';
import { isProven } from '../engine/transition.ts';
import { redactCodes, stripControl } from '../understanding/input.ts';
import type { ConversationRunner } from '../engine/runner.ts';
import type { SupportForms } from '../ports/support.ts';
import type { TicketSink } from '../ports/tickets.ts';
import type { Clock } from '../ports/time.ts';

export interface SupportFormDeps {
  runner: Pick<ConversationRunner, 'peek' | 'transcript'>;
  handover: TicketSink;
  clock: Clock;
}

/** A one-line field: what would start a new line in a ticket or a mail header (CR, LF, NEL, U+2028) is a space. */
export function oneLine(raw: string): string {
  return stripControl(raw.replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ')).replace(/ {2,}/g, ' ').trim();
}

export function createSupportForms(d: SupportFormDeps): SupportForms {
  return {
    async prefill(conversationId) {
      const snap = await d.runner.peek(conversationId);
      const proven = isProven(snap?.subject.identity);
      return {
        email: proven ? snap?.subject.email ?? '' : '',
        username: proven ? snap?.subject.user ?? '' : '',
        what: snap?.note ?? '',
        messages: snap?.transcript.length ?? 0,
        findings: snap?.findings.length ?? 0,
        ...(snap?.slots.ticket ? { ticket: snap.slots.ticket.v } : {}),
      };
    },
    async open(form) {
      const snap = await d.runner.peek(form.conversationId);
      const { reference } = await d.handover.open({
        conversationId: form.conversationId,
        urgent: false,
        lang: form.lang,
        ...(snap?.slots.ticket ? { relatesTo: snap.slots.ticket.v } : {}),
        subject: {
          ...(form.username ? { user: form.username } : {}),
          email: form.email,
          ip: form.ip,
          // Proved by mail in the chat, and the same name typed in the form: the ticket says so.
          identity: snap?.subject.identity === 'email' && snap.subject.user === form.username ? 'email' : 'claimed',
        },
        // Whatever channel filled the form in, the name stays on its line and no code reaches the ticket.
        note: `${redactCodes(oneLine(form.name))}: ${redactCodes(form.what)}`,
        transcript: snap ? d.runner.transcript(snap, 'en') : [],
        findings: snap ? findingResults(snap) : [],
        createdAt: new Date(d.clock.now()).toISOString(),
      });
      return reference;
    },
  };
}
