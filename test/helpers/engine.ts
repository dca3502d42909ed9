// A loaded copy of the shipped flows and the centre's default words, for engine tests.
import path from 'node:path';
import { loadFlowsOrThrow } from '../../src/flows/loader.ts';
import { trainUnderstanding } from '../../src/understanding/training.ts';
import type { CentreWords } from '../../src/flows/words.ts';
import { transition, type EngineEnv, type EngineEvent } from '../../src/engine/transition.ts';
import type { Snapshot } from '../../src/engine/snapshot.ts';
import type { Reply } from '../../src/engine/replies.ts';
import { replyText } from '../../src/conversation-tests/run.ts';

export const { flows, intents } = loadFlowsOrThrow(path.join(import.meta.dirname, '../../flows'));
/** Trained when first asked: a process that never ranks text (a replica held at its save) starts without it. */
export const understanding = trainUnderstanding(flows, intents, true);

export const words: CentreWords = {
  centre: 'UPPMAX',
  enrollment_url: 'https://enroll.example.org/',
  identity_service: 'SUPR',
  support_url: 'https://support.example.org/',
  support_email: 'support@example.org',
  time_check_url: 'https://time.example.org/',
  privacy_url: 'https://helpdesk.example.org/privacy',
  public_url: 'https://helpdesk.example.org',
};

export function env(now: number): EngineEnv {
  return { flows, understanding, words, now, codeKey: 'test-key' };
}

/** Applies events in turn; returns the last snapshot and every reply's text. */
export function play(s: Snapshot, now: number, ...events: EngineEvent[]) {
  let snapshot = s;
  const replies: Reply[] = [];
  let effect;
  for (const e of events) {
    const r = transition(env(now), snapshot, e);
    snapshot = r.snapshot;
    replies.push(...r.replies);
    effect = r.effect;
  }
  return { snapshot, replies, effect, text: replies.map(replyText).join('\n') };
}

/** A reply as one text, the way conversation tests read it (one definition, in the harness). */
export { replyText };
