// The hand-over to people: a ticket with the transcript and the findings.
import type { CheckResult } from './checks.ts';
import type { Lang } from './lang.ts';

export interface Ticket {
  conversationId: string;
  urgent: boolean;
  lang: Lang;
  subject: { user?: string; email?: string; ip?: string; identity?: string };
  note?: string;
  /** An earlier ticket this one follows up (the support form after an automatic hand-over). */
  relatesTo?: string;
  /** No address was proved and the person asked to be answered in the chat they wrote from. */
  reachInChat?: boolean;
  /** A follow-up in which the person says the problem is solved ("it works now"): staff may close the ticket. */
  solved?: boolean;
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

/** Where a ticket stands in the ticket system, in words every system can be mapped to. */
export type TicketState = 'new' | 'open' | 'waiting' | 'resolved' | 'closed';

export interface TicketStatus {
  /** The reference the person was given. */
  reference: string;
  state: TicketState;
  /** The sink that answered (rt, zammad). */
  sink: string;
  /** When the ticket system last changed the ticket (ISO 8601), when it says. */
  updatedAt?: string;
}

/**
 * "Any news?": where the person's ticket stands, read back from a ticket system that can tell.
 * Resolves to undefined when no configured sink can (mail, file, webhook), the ticket has not reached
 * one yet, or the system does not answer; the person is then told what the reference is for.
 */
export interface TicketStatusReader {
  status(reference: string): Promise<TicketStatus | undefined>;
}

/** What a sink knows of the ticket a follow-up belongs to. */
export interface DeliveryContext {
  /** The ticket this one follows up, with this sink's own id of it (null: the sink keeps none, or never got it). */
  parent?: { reference: string; externalId: string | null };
}

/** What a sink answers when it took a ticket: its own id of it, when it has one. */
export interface Delivered {
  externalId?: string;
}

/** Where tickets end up: a folder, a mailbox, a webhook, a ticket system. */
export interface TicketDelivery {
  readonly name: string;
  /**
   * Files the ticket, or adds a follow-up to the one in ctx.parent. Must be safe to repeat with the
   * same reference: a replica that dies between "sent" and "written down" leaves it to another.
   */
  deliver(reference: string, ticket: Ticket, ctx: DeliveryContext): Promise<Delivered | void>;
  /** Where the ticket with this sink's id stands; only sinks that can tell have it. */
  status?(externalId: string): Promise<Pick<TicketStatus, 'state' | 'updatedAt'> | undefined>;
}


/** A ticket in the hand-over queue: what was filed, how often delivery was tried, when every sink had it. */
export interface QueuedTicket {
  reference: string;
  ticket: Ticket;
  attempts: number;
  deliveredAt: number | null;
}

/**
 * The one hand-over every channel uses: tickets wait in the store until every sink has them, and
 * where one stands is read back from the sink that can tell.
 */
export interface HandoverQueue extends TicketSink, TicketStatusReader {
  /** Each sink's deliveries (a staff channel posts its cards through this). */
  attach(delivery: TicketDelivery): void;
  /** Tickets not yet delivered to every sink (all replicas). */
  pendingCount(): Promise<number>;
  /** Delivers what is due now, without waiting for the next pass; resolves to how many were delivered. */
  drain(): Promise<number>;
  get(reference: string): Promise<QueuedTicket | undefined>;
}
