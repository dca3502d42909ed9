// The format of a conversation test (test/conversations/*.yaml; docs/flows.md, "Conversation tests"):
// what the person types, turn by turn, and what must hold after each of the bot's replies.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { Lang } from '../ports/lang.ts';

const Duration = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?\s*(s|m|h|d)$/, 'a duration like 30s, 5m, 2h or 1d')]);
const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const ASKED = ['none', 'menu', 'choice', 'yes_no', 'username', 'code', 'device_time', 'location', 'description', 'proof_code', 'contact'] as const;
export type Asked = (typeof ASKED)[number];

export const SLOT_NAMES = ['username', 'email', 'codes', 'device_time', 'platform', 'device', 'in_sweden', 'place', 'registered_minutes_ago', 'lang', 'wants_human'] as const;

export const Expect = z.strictObject({
  topic: z.string().optional(),
  asked: z.enum(ASKED).optional(),
  not_asked: z.array(z.enum(ASKED)).optional(),
  slots: z.partialRecord(z.enum(SLOT_NAMES), Scalar).optional(),
  checks: z.array(z.string()).optional(),
  no_checks: z.array(z.string()).optional(),
  tickets: z.number().int().min(0).optional(),
  urgent: z.boolean().optional(),
  ticket_account: z.string().optional(),
  /** Follow-ups added to an open ticket so far (a hand-over's `tickets` does not count them). */
  follow_ups: z.number().int().min(0).optional(),
  /** The last follow-up tells staff the person solved it ("it works now"). */
  solved: z.boolean().optional(),
  reply_has: z.array(z.string()).optional(),
  reply_lacks: z.array(z.string()).optional(),
  ended: z.boolean().optional(),
  /** How the conversation ended so far: `solved:<how>`, `handed`, or `none` (not decided yet). */
  outcome: z.string().optional(),
  /** "Did this help?": `asked`, answered `yes` or `no`, or `none` (not asked). */
  feedback: z.enum(['asked', 'yes', 'no', 'none']).optional(),
  /** The person's sentence after "Did this help?", as kept (redacted). */
  comment: z.string().optional(),
});
export type Expect = z.infer<typeof Expect>;

export const Turn = z.strictObject({
  say: z.string(),
  after: Duration.optional(),
  expect: Expect.optional(),
});

export const ConversationTest = z.strictObject({
  name: z.string().min(1),
  lang: Lang.optional(),
  ip: z.string().optional(),
  turns: z.array(Turn).min(1),
});
export type ConversationTest = z.infer<typeof ConversationTest>;

/** "30s", "5m", "2h", "1d" (or a number of seconds) in milliseconds. */
export function durationMs(d: string | number | undefined, fallbackMs: number): number {
  if (d === undefined) return fallbackMs;
  if (typeof d === 'number') return d * 1000;
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(d.trim());
  if (!m) return fallbackMs;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export interface LoadedTest {
  file: string;
  test?: ConversationTest;
  /** The file could not be read as a conversation test: why. */
  problem?: string;
}

export function loadConversationTest(file: string): LoadedTest {
  try {
    const parsed = ConversationTest.safeParse(parse(readFileSync(file, 'utf8')));
    if (parsed.success) return { file, test: parsed.data };
    return { file, problem: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  } catch (err) {
    return { file, problem: `not valid YAML: ${(err as Error).message.split('\n')[0]}` };
  }
}

export function conversationFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}
