// How each conversation ended, for the centre: solved without a person, handed over, abandoned, or
// out of scope; what the person said to "Did this help?"; and the messages the bot did not understand.
// One row a conversation (its id and when it started), written once however often a turn runs.
import { z } from 'zod';
import type { Lang } from './lang.ts';

export const OUTCOME_KINDS = ['solved', 'handed', 'abandoned', 'out_of_scope'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/**
 * How a conversation was solved without a person: the person said so, a code they typed verified, the
 * token became active, or a topic ended with its answer given and nothing confirmed.
 */
export const SOLVED_HOW = ['confirmed', 'code', 'token', 'answered'] as const;
export type SolvedHow = (typeof SOLVED_HOW)[number];

/** What a snapshot keeps of its outcome, decided by the engine (recorded once it is saved). */
export const OutcomeMark = z.object({
  kind: z.enum(OUTCOME_KINDS),
  how: z.enum(SOLVED_HOW).optional(),
  /** The topic (flow) it was about, null when none was chosen. */
  flow: z.string().nullable(),
  /** The last step reached (`flow/step`), for an abandoned conversation. */
  step: z.string().nullable(),
  at: z.number(),
});
export type OutcomeMark = z.infer<typeof OutcomeMark>;

/** One conversation's outcome, as recorded. */
export interface ConversationOutcome extends OutcomeMark {
  conversation: string;
  startedAt: number;
  channel: string;
  lang: Lang;
  /** The ticket of a hand-over, to read back whether staff solved it. */
  ticket?: string;
  helpful?: boolean;
  /** The person's own sentence after "Did this help?", redacted as transcripts are. */
  comment?: string;
  /** What the person wrote that the bot did not understand, redacted as transcripts are. */
  unclear: string[];
}

/** What staff did with a handed-over ticket, read back from the ticket system. */
export type StaffState = 'resolved' | 'closed';

export interface OutcomeStore {
  /** Records the outcome unless the conversation (id and start) has one: true when it is new. */
  record(outcome: ConversationOutcome): Promise<boolean>;
  /** The answer to "Did this help?": kept once (a second answer changes nothing); true when kept. */
  feedback(conversation: string, startedAt: number, helpful: boolean, comment?: string): Promise<boolean>;
}

/** The figures of one topic (or of all, `topic` null) in one language, since a moment. */
export interface OutcomeFigures {
  topic: string | null;
  lang: Lang;
  conversations: number;
  solved: number;
  /** Solved, by how (confirmed, code, token, answered). */
  solvedHow: Record<SolvedHow, number>;
  handed: number;
  /** Handed over, and later marked resolved or closed by staff in the ticket system. */
  handedSolvedByStaff: number;
  abandoned: number;
  outOfScope: number;
  /** The median time from the first message to a solution, in seconds; null with none solved. */
  medianSecondsToSolved: number | null;
  /** Answers to "Did this help?": how many, and how many said yes. */
  helpfulAnswers: number;
  helpfulYes: number;
}

export interface OutcomeReport {
  since: string;
  until: string;
  /** Per topic (null: none was chosen) and language. */
  byTopic: OutcomeFigures[];
  /** All topics together, per language (`topic` is null). */
  totals: OutcomeFigures[];
  /** The steps where most conversations were abandoned, most first. */
  abandonedAt: Array<{ topic: string | null; step: string | null; count: number }>;
  /** What people wrote that the bot did not understand, most often first (redacted). */
  notUnderstood: Array<{ text: string; lang: Lang; count: number }>;
  /** The sentences people added to "Did this help?" (redacted), newest first. */
  comments: Array<{ topic: string | null; lang: Lang; helpful: boolean; text: string }>;
}
