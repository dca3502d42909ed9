// The state of one turn: the conversation's snapshot (a copy the turn may change), what the turn
// is given (env), and what it produces (the replies, at most one effect). Every step of a turn is a
// plain function over this value (say.ts, walk.ts, message.ts, transition.ts).
import type { Lang } from '../i18n/index.ts';
import type { Meaning } from '../ports/understanding.ts';
import type { Reply } from './replies.ts';
import type { Effect } from './events.ts';
import type { Snapshot } from './snapshot.ts';
import type { Extraction, SlotName } from './slots.ts';
import type { EngineEnv } from './env.ts';

export interface Turn {
  readonly env: EngineEnv;
  readonly s: Snapshot;
  readonly replies: Reply[];
  /** What the turn asks the runner to do next (a check, a ticket, a proof, a watch). */
  effect?: Effect;
  /** What this message said that changed the slots (a fact given now, or a correction). */
  heard: SlotName[];
  /** The facts of this turn's message. */
  facts: Extraction;
  /** What this message replaced: the value each slot held before it said another. */
  replaced: Partial<Record<SlotName, unknown>>;
  /** What this turn's message meant where the conversation stood (what `understand` reports). */
  meaning?: Meaning;
  /** A username correction restarted the topic in this turn: the message is handled. */
  corrected: boolean;
  /** Messages of a topic a knowledge answer of this turn already said: not said again when it goes on. */
  covered?: { flow: string; messages: ReadonlySet<string> };
  /** Placeholder values, kept while the person, the findings and the language stay the same. */
  cachedVars?: { user: string; findings: Snapshot['findings']; lang: Lang; values: Record<string, unknown> };
}

export function newTurn(env: EngineEnv, s: Snapshot): Turn {
  return { env, s, replies: [], heard: [], facts: { codes: 0 }, replaced: {}, corrected: false };
}
