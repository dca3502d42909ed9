// Conversations as a channel sees them: it turns a platform event into a turn and renders the
// platform-neutral replies in its own idiom. The engine runs the turn; a channel never sees how.
import type { Lang } from './lang.ts';

export interface Choice {
  id: string;
  label: string;
}

/** How a finding went (the check's status). */
export type FindingStatus = 'pass' | 'warn' | 'fail' | 'unknown';

/** The figures of a finding a picture is drawn from. */
export interface FindingFacts {
  /** The device's clock minus the true time, in seconds (negative: behind). */
  offsetSeconds?: number;
  /** Minutes since the token was registered. */
  minutesSinceRegistration?: number;
}

/** What a prompt waits for; `device_time` asks for the phone's time (channels offer the clock link). */
export type PromptInput = 'username' | 'code' | 'device_time' | 'ip' | 'text';

/** Step `at` of `of` (from 1) of a flow's numbered steps, and that in the person's words ("Step 5 of 9"). */
export interface Stage {
  at: number;
  of: number;
  label: string;
}

/** The small pictures a question may show (the web page draws them; each has its text alternative). */
export const PICTURES = ['scan_qr', 'code_entry'] as const;
export type Picture = (typeof PICTURES)[number];

export type Reply =
  /** `topic`: the title of the topic just started, a heading rather than something the bot asks. */
  /**
   * `staff`: written by a person of the support team (the staff channel), not by the bot. `key`: the
   * staff reply's idempotency key: the reply is delivered at least once, and a channel that can find
   * what it sent before (Slack's message metadata, Discord's nonce) does not show it twice.
   */
  | { kind: 'text'; text: string; notice?: boolean; topic?: boolean; staff?: boolean; key?: string }
  /** `stage`: where this question is in a flow of numbered steps; the prompt itself does not say it. */
  /** `picture`: a small picture of what the question is about, with its text alternative. */
  | { kind: 'choices'; prompt: string; choices: Choice[]; stage?: Stage; picture?: { name: Picture; alt: string } }
  | { kind: 'prompt'; text: string; input: PromptInput }
  /** `facts`: the measured figures a channel may draw (the clock's offset, how long a token has been pending). */
  | { kind: 'finding'; check: string; status: FindingStatus; code: string; text: string; facts?: FindingFacts }
  | { kind: 'link'; url: string; label: string }
  | { kind: 'image'; format: 'qr'; data: string; alt: string }
  | { kind: 'handover'; ticket: string | null; urgent: boolean; text: string };

/** What a person did on a platform. */
export type ChatEvent =
  /** `lang`: the client's language (Discord's locale): greeted in it alone; what they type still decides. */
  | { type: 'start'; lang?: Lang }
  | { type: 'resume' }
  /** Show again what the conversation waits for (after a language switch, say), without a greeting. */
  | { type: 'repeat' }
  | { type: 'text'; text: string }
  | { type: 'choice'; id: string }
  | { type: 'topic'; flow: string }
  /** A phone measured its clock against the server's (the web's clock link): offset and error in ms. */
  | { type: 'device-clock'; offsetMs: number; errorMs: number };

export interface ChatTurnOptions {
  /** The language the channel knows the person uses; otherwise it is guessed from what they type. */
  lang?: Lang;
  /** Who the channel knows this is (a Slack profile's verified e-mail, `--user` in a terminal). */
  subject?: { user?: string; email?: string; identity?: string; ip?: string };
  /** The channel's name (metrics, the proof mail's wording). */
  channel: string;
  /** The channel cannot vouch for the person: account facts wait for a proof of identity. */
  requireProof?: boolean;
  /** Where the request came from (rate limits of identity proofs). */
  origin?: string;
  /** Told before each check runs, so a channel can show progress in place. */
  onProgress?: (text: string) => void | Promise<void>;
  /** The platform's id of the event (a Slack event id): what the turn files is filed once however often it runs. */
  key?: string;
}

/** What a channel may know of a stored conversation. */
export interface ConversationView {
  id: string;
  lang: Lang;
  status: string;
  transcript: readonly unknown[];
  /**
   * Raised by a turn in which the person proved who they are or was handed over: a channel that
   * keeps the conversation in a cookie (the web page) binds the cookie to it, so a cookie planted
   * before that moment no longer finds the conversation.
   */
  epoch: number;
}

export interface ChatTurn {
  replies: Reply[];
  conversation: ConversationView;
  /** False when the person was answered but the turn is not in the store (it failed, or its save did). */
  saved: boolean;
}

/** A topic a channel may offer as a button (Slack's App Home). */
export interface Topic {
  id: string;
  title: Record<Lang, string>;
}

export interface Conversations {
  /** One turn; turns of one conversation run one at a time, in arrival order. */
  turn(id: string, event: ChatEvent, options: ChatTurnOptions): Promise<ChatTurn>;
  /** The stored conversation, if there is one (no turn is run). */
  peek(id: string): Promise<ConversationView | undefined>;
  /** The topics a person can start, in menu order. */
  topics(): Topic[];
}
