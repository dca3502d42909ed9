// A conversation's state: plain, versioned JSON, so any process can pick a conversation up after a
// restart. Bot messages are stored as references (flow/step), not text, which keeps a snapshot small
// and lets a transcript be rendered later in either language.
import { z } from 'zod';
import { CHECK_IDS } from '../checks/catalogue.ts';
import { LANGS, type Lang } from '../i18n/index.ts';

export const SNAPSHOT_VERSION = 1;
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
  lang: z.enum(LANGS),
  langFixed: z.boolean(),
  status: z.enum(['menu', 'active', 'ended']),
  flow: z.string().nullable(),
  step: z.string().nullable(),
  subject: Subject,
  vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  findings: z.array(Finding),
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
    vars: {},
    findings: [],
    codes: [],
    transcript: [],
    startedAt: now,
    updatedAt: now,
  };
}
