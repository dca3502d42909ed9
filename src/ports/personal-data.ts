// A person's data on request (GDPR articles 15 and 17): who they are on each platform, what the bot
// holds about them, and its erasure. Codes are never part of it: only their keyed hashes are stored.
// Which platform a conversation id belongs to, and whom it names, each channel declares itself
// (`ChannelPeople`, in its plugin): nothing here knows a platform's id format.
import { z } from 'zod';

export const Person = z
  .object({
    users: z.array(z.string().min(1)),
    emails: z.array(z.string().min(1)),
    /** Their ids on each chat platform, by channel name; each checked by the rule its channel declares. */
    ids: z.record(z.string(), z.array(z.string().min(1))).default({}),
    /** Conversations known to be theirs without naming them (a web page tied to them by a watch or a proof). */
    conversations: z.array(z.string()).default([]),
  })
  .refine((p) => p.users.length + p.emails.length + Object.values(p.ids).flat().length > 0, 'at least one way to name the person');
export type Person = z.infer<typeof Person>;

/** Every platform id of the person, whatever the channel. */
export const platformIds = (p: Person): string[] => Object.values(p.ids).flat();

/**
 * What a channel's conversation ids say about the people in them, declared by the channel's plugin
 * for export and erasure. Its conversation ids are `<channel>:<rest>`.
 */
export interface ChannelPeople {
  /**
   * A person's id on the platform, as staff give it (`privacy export --<channel> ID`), with its rule
   * said when it is broken ("a Slack user id, like U012ABC"). With it, `owner` answers such an id.
   */
  id?: z.ZodType<string>;
  /** Whom a conversation names, from its id without `<channel>:`: their platform id (or their account), or nobody. */
  owner?(rest: string): string | undefined;
  /** An account's conversation on this channel is `<channel>:<account>` (a command-line chat run as that account). */
  accountIds?: true;
  /** Its per-key limits are keyed by the conversation id without `<channel>:` (a web page's session). */
  sessionLimits?: true;
}

/** A channel's declaration with its name, as the privacy rules are given it. */
export interface NamedChannelPeople extends ChannelPeople {
  channel: string;
}

export interface HeldTicket {
  reference: string;
  createdAt: string;
  deliveredAt: string | null;
  /** The sinks that took it; any but the file inbox is the centre's ticket system, outside the bot. */
  deliveredTo: string[];
  ticket: unknown;
}

export interface PersonalData {
  conversations: unknown[];
  quarantined: Array<{ id: string; at: string; snapshot: string }>;
  tickets: HeldTicket[];
  watches: unknown[];
  links: Array<{ kind: string; conversation: string; expiresAt: string; usedAt: string | null }>;
  proofs: Array<{ conversation: string; account: string; email: string | null; expiresAt: string }>;
  /** Replies waiting for a web page. */
  outbox: Array<{ conversation: string; createdAt: string; body: unknown }>;
  /**
   * Someone else's conversation or ticket whose free text names the person ("I'm alice on the
   * cluster"): only those lines, as the rest is the other person's data (art. 15(4)).
   */
  mentions: Mention[];
  /** How their conversations ended, with their answer to "Did this help?" and what the bot did not understand. */
  outcomes: unknown[];
  /**
   * Their hand-overs' cards in a staff channel: which ticket, where the card is, whether a staff
   * member took it and when it closed (who took it is the staff member's data, so it is left out).
   */
  staffThreads: Array<{ reference: string; conversation: string; lang: string; place: string; thread: string; claimed: boolean; createdAt: string; closedAt: string | null }>;
}

export interface Mention {
  conversation?: string;
  ticket?: string;
  /** The strings of that record that name the person (a line, a note, a subject field). */
  lines: string[];
}

/**
 * What an erasure counts, by kind. Deleted: the person's own rows. `mentions`: others' records
 * (conversations, tickets, queued events and replies) in which the person's name, addresses and
 * ids were replaced by `[erased]`.
 */
export const ERASED_KINDS = ['conversations', 'quarantined', 'tickets', 'watches', 'links', 'proofs', 'outbox', 'presence', 'events', 'effects', 'limits', 'mentions', 'outcomes', 'staffThreads'] as const;
export type ErasedCounts = Record<(typeof ERASED_KINDS)[number], number>;

/** What an erasure will do, worked out before anything is changed (and shown by a dry run). */
export interface ErasurePlan {
  person: Person;
  /** The person's own conversations and tickets: deleted whole. */
  conversations: string[];
  tickets: string[];
  /** Others' conversations and tickets that identify or name the person: kept, the person redacted. */
  redacted: { conversations: string[]; tickets: string[] };
  /** Addresses the person's own conversations came from (per-address limits are keyed by them). */
  addresses: string[];
  /** Rows of the small tables that are the person's, by table. */
  rows: { watches: number; links: number; proofs: number; outbox: number; presence: number; events: number; quarantined: number; limits: number; staffThreads: number };
}

export interface PersonalDataStore {
  /** The person as given, widened by what their own conversations say (a username's e-mail and back). */
  widen(person: Person): Promise<Person>;
  find(person: Person): Promise<PersonalData>;
  plan(person: Person): Promise<ErasurePlan>;
  erase(plan: ErasurePlan): Promise<ErasedCounts>;
}
