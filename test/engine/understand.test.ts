// `2fa-helpdesk understand` runs what the chat runs: the same turn, so the language, the meaning and
// what happens next are the chat's. Held together here against turns played through transition().
import { describe, expect, it } from 'vitest';
import { understandAsChat } from '../../src/engine/understand.ts';
import { newSnapshot } from '../../src/engine/snapshot.ts';
import { transition } from '../../src/engine/transition.ts';
import { positionAt } from '../../src/understanding/evaluate.ts';
import { flows, understanding, words } from '../helpers/engine.ts';

const env = { flows, understanding, words, now: 1_800_000_000_000, codeKey: 'k' };

/** A conversation at `at`, then the message, as the chat runs it. */
function chat(at: string | undefined, text: string) {
  const s = { ...newSnapshot('chat:1', env.now), ...positionAt(env, at) };
  return transition(env, s, { type: 'text', text });
}

const CASES: Array<[string | undefined, string]> = [
  [undefined, 'Hej! Jag installerade appen igår men koden som visas godtas inte när jag loggar in på servern, vad gör jag?'],
  [undefined, 'my code is not accepted'],
  ['token_not_active.offer_watch', 'yes thanks'],
  ['token_not_active.offer_watch', 'ja tack'],
  ['token_not_active.offer_watch', 'thanks'],
  ['code_rejected.username', 'never mind'],
  ['code_rejected.username', 'strunt i det'],
  ['code_rejected.username', 'are you a bot?'],
];

describe('understand runs what the chat runs', () => {
  it.each(CASES)('at %s: %s', (at, text) => {
    const u = understandAsChat(env, positionAt(env, at), text);
    const r = chat(at, text);
    expect(u.lang).toBe(r.snapshot.lang);
    expect(u.then).toEqual({ status: r.snapshot.status, flow: r.snapshot.flow, step: r.snapshot.step, effect: r.effect?.type ?? null });
    expect(u.action).toBe(r.understood?.meaning.action);
    expect(u.intent).toBe(r.understood?.meaning.intent);
  });

  it('reports Swedish for a long Swedish opening, the language the chat answers in', () => {
    const u = understandAsChat(env, positionAt(env, undefined), 'Hej! Jag har precis fått ny telefon och nu kan jag inte logga in längre, koderna stämmer inte alls');
    expect(u.lang).toBe('sv');
  });

  it('a polite yes to "Shall I tell you when it is active?" is the yes: the watch is kept, the conversation goes on', () => {
    for (const text of ['yes thanks', 'ja tack', 'yes please']) {
      const u = understandAsChat(env, positionAt(env, 'token_not_active.offer_watch'), text);
      expect(u.choice, text).toBe('yes');
      expect(u.then.effect, text).toBe('watch');
    }
  });
});
