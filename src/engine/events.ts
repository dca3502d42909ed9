// What can happen to a conversation (events) and what a transition asks the runner to do (effects):
// plain data, so a turn can be replayed and the runner stays the only place with I/O.
import type { CheckId, CheckResult } from '../checks/catalogue.ts';
import type { ChatEvent } from '../ports/conversations.ts';
import type { TicketState } from '../ports/tickets.ts';

export type EngineEvent =
  /** What a person did on a platform (start, text, a choice, a topic, a phone's clock). */
  | ChatEvent
  | { type: 'checked'; result: CheckResult; extra?: CheckResult[] }
  | { type: 'escalated'; ticket: string | null; followUp?: boolean; solved?: boolean }
  /** A proof-of-identity link was sent (or, for an unknown name, silently not: the answer is the same). */
  | { type: 'proof-sent' }
  /** The person typed the code mailed to the account: they are `user`. */
  | { type: 'proven'; user: string; how: string; email?: string }
  /** The code typed was not the one mailed (or it expired, or too many wrong tries burnt it). */
  | { type: 'proof-failed'; reason: 'wrong' | 'expired' | 'none' | 'locked' }
  /** A watch was kept (`created`: new, else one was already there). */
  | { type: 'watched'; created: boolean }
  /** The person's watches were ended (`count` of them). */
  | { type: 'unwatched'; count: number }
  /** A watch fired: the token is active, or still pending past the limit (a ticket is open). */
  | { type: 'watch-fired'; what: 'active' | 'overdue'; ticket?: string }
  /** Where the person's ticket stands in the ticket system; null when no sink can tell (mail, file) or it did not answer. */
  | { type: 'ticket-status'; reference: string; state: TicketState | null };

/** Inputs a check needs that are not in the snapshot: a code is used once and never stored. */
export interface CheckRequest {
  type: 'check';
  check: CheckId;
  code?: string;
  /** The same code was typed before, this many seconds ago (the reused-first-code problem). */
  reusedAfterSeconds?: number;
}

export interface EscalateRequest {
  type: 'escalate';
  urgent: boolean;
  attach: Array<'transcript' | 'checks'>;
  /** More from the person after a hand-over: filed as a follow-up to this ticket, not a new one. */
  relatesTo?: string;
  /** The follow-up says the problem is solved: the ticket is marked so for staff. */
  solved?: boolean;
}

export interface ProofRequest {
  type: 'send-proof';
  who: string;
}

export interface ConfirmProofRequest {
  type: 'confirm-proof';
  code: string;
}

/** "Any news?": read the ticket's status from the sink that can tell. A read: done again on a re-run. */
export interface TicketStatusRequest {
  type: 'ticket-status';
  reference: string;
}

/** Keep a durable watch on the person's pending token, or end the conversation's watches. */
export type WatchRequest = { type: 'watch' } | { type: 'unwatch' };

export type Effect = CheckRequest | EscalateRequest | ProofRequest | ConfirmProofRequest | WatchRequest | TicketStatusRequest;

