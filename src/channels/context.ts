// What a channel may use: ports, not adapters, not the engine or the checks. Swapping SQLite for
// PostgreSQL, or memory limits for Redis, changes the wiring in src/app/ and nothing here.
import type { Wording } from '../ports/catalogue.ts';
import type { Conversations } from '../ports/conversations.ts';
import type { Delivery } from '../ports/delivery.ts';
import type { LinkStore } from '../ports/links.ts';
import type { RateLimits } from '../ports/limits.ts';
import type { Logger } from '../ports/logger.ts';
import type { InputParsers } from '../ports/input.ts';
import type { StaffDesk } from '../ports/staff-desk.ts';
import type { StaffThread, StaffThreads } from '../ports/staff-threads.ts';
import type { TicketDelivery } from '../ports/tickets.ts';
import type { Outbox, SeenEvents, SharedValues, StoreHealth } from '../ports/store.ts';
import type { SelfChecks } from '../ports/checks.ts';
import type { SupportForms } from '../ports/support.ts';
import type { Clock, ReferenceTime } from '../ports/time.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionStatus } from './shared/connection.ts';

/** An HTTP endpoint a channel serves on the bot's one web port (Slack's Events API, a webhook). */
export interface ChannelRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An exact path, e.g. `/slack/events`; a query string does not change the match. */
  path: string;
  /** Gets the request unread: the channel reads (and verifies) the raw body itself. */
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/** The deployment's own words a channel shows (never a secret). */
export interface Site {
  centre: string;
  /** Where the bot is reached from outside, without a trailing slash (links to the phone clock check). */
  publicUrl: string;
  supportUrl: string;
  /** How long a phone clock-check link stays valid. */
  clockLinkMinutes: number;
}

/** The other channels, as the channel that serves HTTP (the web) sees them. */
export interface ChannelPeers {
  /** The routes every other channel created so far asked for (Slack's Events API, a webhook); read once, when the web port starts. */
  routes(): ChannelRoute[];
  /** The state of every channel of this replica, by name (`standby` where another replica holds it). */
  statuses(): Record<string, ConnectionStatus>;
}

/** A staff channel's side of the hand-over (Slack's): its cards, and the tickets they stand for. */
export interface StaffChannelPorts {
  threads: StaffThreads;
  /** Puts the channel's card poster into the ticket queue, in the place its sink name holds. */
  attach(delivery: TicketDelivery): void;
  /**
   * Adds lines to the thread's ticket: a follow-up through every sink (the staff thread's included).
   * `key`: the same key again (a platform event run a second time) files nothing new.
   */
  followUp(thread: StaffThread, o: { lines: string[]; note?: string; key?: string }): Promise<void>;
}

export interface ChannelContext {
  conversations: Conversations;
  staff: StaffDesk;
  staffChannel: StaffChannelPorts;
  parse: InputParsers;
  /** Where replies from outside a turn (a phone's clock, a watch notice) are delivered. */
  delivery: Delivery;
  /** Replies waiting in the store for whichever replica holds the conversation's connection. */
  outbox: Outbox;
  links: LinkStore;
  limits: RateLimits;
  /** Platform event ids already handled (a retried delivery), on any replica. */
  seen: SeenEvents;
  /** Values one replica hands the next (the Discord gateway session a new leader resumes). */
  shared: SharedValues;
  clock: Clock;
  /** NTP-corrected time, which a phone's clock is measured against. */
  reference: ReferenceTime;
  /** The network and clock checks a person runs on their own device (the web's /ip, a phone's clock). */
  checks: SelfChecks;
  /** The support form's ticket, with the person's conversation attached. */
  support: SupportForms;
  /** Whether this replica's store takes writes (for /healthz). */
  health: StoreHealth;
  /**
   * For a channel whose plugin `signs` (the web page's session cookie and form token): a key derived
   * for that channel alone from the deployment's secret, which itself keys the clock and proof
   * links and so reaches no channel. Other channels get none.
   */
  signingKey?: string;
  log: Logger;
  words: Wording;
  site: Site;
  peers: ChannelPeers;
}
