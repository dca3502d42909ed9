// The hand-over to people: a ticket with the transcript and the findings.
import type { CheckResult } from './checks.ts';

export interface Ticket {
  conversationId: string;
  urgent: boolean;
  lang: 'en' | 'sv';
  subject: { user?: string; email?: string; ip?: string; identity?: string };
  note?: string;
  /** An earlier ticket this one follows up (the support form after an automatic hand-over). */
  relatesTo?: string;
  transcript: string[];
  findings: CheckResult[];
  createdAt: string;
}

export interface TicketSink {
  /**
   * Files the ticket (or queues it for delivery) and returns the reference the person is given.
   * `key`: the same key again (a turn run again after its replica died) files nothing new and
   * returns the first ticket's reference.
   */
  open(ticket: Ticket, options?: { key?: string }): Promise<{ reference: string }>;
}
