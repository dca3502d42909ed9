// How free text becomes meaning: a ranking of labels (topics, global intents, the choices of a
// question) for a message. The engine stays pure by asking this port; a centre can plug in its own
// (an LLM endpoint, say) behind the same interface.
import type { Lang } from './lang.ts';

/**
 * `topic:<flow>`, `intent:<name>` (human, menu, skip, dont_know, yes, no, none, …) or
 * `choice:<flow>/<step>/<choice>`.
 */
export type Label = string;

export interface Guess {
  label: Label;
  /** Similarity to the nearest example of this label, 0..1. */
  score: number;
  /** The language of that example. */
  lang: Lang;
}

/** Ranks labels for a text: what a classifier (nearest examples, a linear model, an LLM) answers. */
export interface Ranker {
  /** Labels that `allowed` accepts, best first, at most `limit` of them. */
  rank(text: string, allowed: (label: Label) => boolean, limit?: number): Guess[];
}

/** Where a conversation stands, as far as what a message means goes (a conversation's snapshot is one). */
export interface Position {
  status: 'menu' | 'active' | 'ended' | 'handed';
  flow: string | null;
  step: string | null;
}

export type Action = 'topic' | 'choice' | 'answer' | 'handover' | 'menu' | 'skip' | 'unclear';

/** What a message means where the conversation stands. */
export interface Meaning {
  action: Action;
  /** The label's name: a flow id, a global intent, or a choice id; null when unclear with nothing near. */
  intent: string | null;
  topic: string | null;
  choice: string | null;
  confidence: number;
  /** The language of what was matched, when the match says so. */
  lang: Lang | null;
  /** For `unclear` at a question: the closest choices, best first. */
  closest: string[];
}

export interface HeardLanguage {
  /** Set only when the message says enough to tell. */
  lang?: Lang;
  /** 0 (no idea) … 1 (certain). */
  confidence: number;
}

/**
 * What a message says by its words alone, whatever the topic: a close, thanks (or "it works now"),
 * a question about the wait, "any news?", "it works now" on its own, the word thanks, taking something back;
 * the conversation repair patterns' families (docs/flows.md, "Conversation repair").
 */
export type Saying = 'closing' | 'thanks' | 'wait_question' | 'news_question' | 'next_question' | 'solved' | 'thanks_word' | 'cancel' | 'repeat' | 'chitchat' | 'done' | 'polite_answer' | 'correction' | 'code_right' | 'token_state' | 'what_wrong' | 'unsure';

/**
 * What the knowledge base makes of a message: the entry (of the flows' `knowledge/`) that answers
 * it (and `also` the entries of further questions in the same message, each answered once), or
 * `unknown`, a question about two-factor that nothing answers. `opens`: the message said what the
 * entry's topic is for (the entry's `said_as`), so at the start that topic goes on after the answer.
 */
export type KnowledgeHit = { kind: 'answer'; entry: string; score: number; also?: string[]; opens?: boolean } | { kind: 'unknown' };

/**
 * Everything the engine asks about one message, in one place: its language, its facts, what it
 * means where the conversation stands, what it says by its words alone, and the ranking beneath.
 */
export interface Understanding extends Ranker {
  language(text: string): HeardLanguage;
  /** The facts of a message; `lang`, when known, settles words that differ between the languages. */
  facts(text: string, lang?: Lang): Facts<string>;
  meaning(text: string, at: Position): Meaning;
  says(saying: Saying, text: string): boolean;
  /** Whether the knowledge base answers the message, given what it means otherwise (absent: no base). */
  knowledge?(text: string, at: Position, meaning: Meaning): KnowledgeHit | undefined;
  /**
   * A problem reported with questions beside it: the report's own words (what the message means is
   * read from them) and the knowledge-base entries that answer the questions (absent: no base).
   */
  besideReport?(text: string): { report: string; entries: string[] } | undefined;
}

/** What happened to the phone, as a person says it. */
export const DEVICE_STATES = ['lost', 'stolen', 'broken', 'new', 'app_deleted', 'no_smartphone'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];
export const PLATFORMS = ['android', 'ios', 'other'] as const;
export type Platform = (typeof PLATFORMS)[number];
/** What the helpdesk does not do, asked for anyway. */
export const OUT_OF_SCOPE = ['password', 'jobs', 'cluster_down'] as const;
export type OutOfScope = (typeof OUT_OF_SCOPE)[number];

/**
 * The facts one message gives, whatever was asked: read by the understanding's
 * extractors, kept by the engine as typed slots. `Time` is how the phone's stated time is held
 * (the extractor's clock reading; the engine's "14:32:05").
 */
export interface Facts<Time> {
  username?: string;
  email?: string;
  /** How many 6–8 digit codes the text holds; the digits themselves are never returned. */
  codes: number;
  /** What the phone's clock shows, when the person says so. */
  deviceTime?: Time;
  platform?: Platform;
  device?: DeviceState;
  inSweden?: boolean;
  /** The place as typed, in lower case ("oslo", "göteborg"), when it is one it knows. */
  place?: string;
  registeredMinutesAgo?: number;
  wantsHuman?: boolean;
  /** "A token was registered, it was not me." */
  takeover?: boolean;
  outOfScope?: OutOfScope;
  /** "I wrote down the first code and use it every time": an old code reused. */
  codeNoted?: boolean;
}
