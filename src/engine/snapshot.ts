// A conversation's state: plain, versioned JSON, so any process can pick a conversation up after a
// restart. Bot messages are stored as references (flow/step), not text, which keeps a snapshot small
// and lets a transcript be rendered later in either language.
import { z } from 'zod';
import { CHECK_IDS } from '../checks/catalogue.ts';
import { Lang } from '../ports/lang.ts';
import { Slots } from './slots.ts';
import { OutcomeMark } from '../ports/outcomes.ts';

/** 2: typed slots in place of the untyped `vars` bag (a stored 1 is upgraded on read: migrate.ts). */
export const SNAPSHOT_VERSION = 2;
export const TRANSCRIPT_LIMIT = 80;
export const USER_TEXT_LIMIT = 500;

export const Finding = z.object({
  id: z.enum(CHECK_IDS),
  status: z.enum(['pass', 'warn', 'fail', 'unknown']),
  code: z.string(),
  data: z.record(z.string(), z.unknown()),
  at: z.number(),
});
export type Finding = z.infer<typeof Finding>;

export const Subject = z.object({
  user: z.string().optional(),
  email: z.string().optional(),
  ip: z.string().optional(),
  /** How the channel knows who this is: 'claimed' (typed), or a proof such as 'slack-email'. */
  identity: z.string().optional(),
});
export type Subject = z.infer<typeof Subject>;

export const Snapshot = z.object({
  v: z.literal(SNAPSHOT_VERSION),
  id: z.string().min(1),
  lang: Lang,
  langFixed: z.boolean(),
  /** `handed`: a ticket is open; more text is a follow-up to it, not a new topic. */
  status: z.enum(['menu', 'active', 'ended', 'handed']),
  flow: z.string().nullable(),
  step: z.string().nullable(),
  subject: Subject,
  /** Did the person's own words decide `lang` (not a default)? Then only a clear switch changes it. */
  langHeard: z.boolean().optional(),
  slots: Slots,
  /** The device clock as a phone's browser measured it. */
  measured: z.object({ offsetMs: z.number(), errorMs: z.number(), at: z.number() }).optional(),
  /** How often each capped prompt was asked (`flow.step`). */
  tries: z.record(z.string(), z.number()),
  /** The person's own words for support (codes redacted). */
  note: z.string().optional(),
  /** A username waiting for its proof of identity. */
  proofFor: z.string().optional(),
  /** A question waiting for the account's facts (facts-lead.ts): entered again once they are in. */
  lead: z.string().optional(),
  /** A question a side question interrupted (the doubt question): asked again when that one ends. */
  resumeAt: z.object({ flow: z.string(), step: z.string(), topic: z.string().optional() }).optional(),
  /** The topic the person's words chose, where the facts may have led elsewhere: a corrected username starts it again. */
  topic: z.string().optional(),
  /** A code typed before its step was reached: sealed with the code key, kept minutes at most. */
  heldCode: z.object({ c: z.string(), t: z.number() }).optional(),
  /** Raised by a proof of identity or a hand-over; a web cookie is bound to it (session-epoch.ts). */
  epoch: z.number().int().nonnegative().optional(),
  /**
   * How staff reach a person with no proved address, asked once before their hand-over (reach.ts):
   * `asking` (the ticket held), `address` (subject.email, typed, not proved), `here` (this chat), `none`.
   */
  reach: z.enum(['asking', 'address', 'here', 'none']).optional(),
  /** The hand-over held while `reach` is asked. */
  heldHandover: z.object({ urgent: z.boolean(), attach: z.array(z.enum(['transcript', 'checks'])) }).optional(),
  /** Turns taken by the person (the slots' sources name them). */
  turns: z.number().int().optional(),
  findings: z.array(Finding),
  /** How the conversation ended, once a turn decided it (outcome.ts); recorded once it is saved. */
  outcome: OutcomeMark.optional(),
  /** "Did this help?": asked, answered (waiting for an optional sentence), or done; never asked twice. */
  feedback: z.object({ state: z.enum(['asked', 'comment', 'done']), helpful: z.boolean().optional(), comment: z.string().optional() }).optional(),
  /** Keyed fingerprints of codes typed (never the codes), with when and the offset they matched. */
  codes: z.array(z.object({ h: z.string(), at: z.number(), off: z.number().nullable() })),
  /** [seconds since start, 'u' | 'b', user text or a reference to what the bot said] */
  transcript: z.array(z.tuple([z.number(), z.enum(['u', 'b']), z.string()])),
  startedAt: z.number(),
  updatedAt: z.number(),
});
export type Snapshot = z.infer<typeof Snapshot>;

export function newSnapshot(id: string, now: number, options: { lang?: Lang; subject?: Subject } = {}): Snapshot {
  return {
    v: SNAPSHOT_VERSION,
    id,
    lang: options.lang ?? 'en',
    langFixed: options.lang !== undefined,
    status: 'menu',
    flow: null,
    step: null,
    subject: options.subject ?? {},
    slots: {},
    tries: {},
    findings: [],
    codes: [],
    transcript: [],
    startedAt: now,
    updatedAt: now,
  };
}
