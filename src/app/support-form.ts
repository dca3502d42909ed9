// The support form's side of the engine (the web page's /support): what the form may be filled in
// with from the person's conversation (only what they proved), and the ticket it opens with the
// conversation's transcript and findings attached.
import { findingResults } from '../engine/transcript.ts';
import { isProven } from '../engine/transition.ts';
import type { ConversationRunner } from '../engine/runner.ts';
import type { SupportForms } from '../ports/support.ts';
import type { TicketSink } from '../ports/tickets.ts';
import type { Clock } from '../ports/time.ts';

export interface SupportFormDeps {
  runner: Pick<ConversationRunner, 'peek' | 'transcript'>;
  handover: TicketSink;
  clock: Clock;
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
        note: `${form.name}: ${form.what}`,
        transcript: snap ? d.runner.transcript(snap, 'en') : [],
        findings: snap ? findingResults(snap) : [],
        createdAt: new Date(d.clock.now()).toISOString(),
      });
      return reference;
    },
  };
}
