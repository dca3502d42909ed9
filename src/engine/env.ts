// What a turn is given besides the snapshot: the flows, the centre's words, the time, the readers.
import type { Understanding } from '../ports/understanding.ts';
import type { FlowSet } from '../flows/schema.ts';
import type { Opens } from '../flows/intents.ts';
import type { CentreWords } from '../flows/words.ts';

export interface EngineEnv {
  flows: FlowSet;
  words: CentreWords;
  now: number;
  /** Key for the fingerprints of typed codes (so a reused code is noticed without keeping it). */
  codeKey: string;
  /**
   * The channel cannot vouch for who this is (web, Discord): a typed username is only used after
   * the person proves it through a link sent to the account's e-mail address.
   */
  requireProof?: boolean;
  /** What a message says: its language, its facts, its meaning where the conversation stands (the one port the engine asks). */
  understanding: Understanding;
  /** Which intent opens which topic (`opens:` in flows/_intents.yaml); the shipped map when not given. */
  opens?: Opens;
  /** What the configured ticket systems can do for the person (reach.ts); a mail sink's when not given. */
  handover?: HandoverAbilities;
}

/** What the configured ticket systems can do for the person (HANDOVER_SINK). */
export interface HandoverAbilities {
  /** A staff reply reaches a proved address by e-mail (Request Tracker, Zammad, a mail with Reply-To); not files or a webhook. */
  mails: boolean;
  /** The ticket's status can be read back for "any news?" (Request Tracker, Zammad). */
  status: boolean;
}
