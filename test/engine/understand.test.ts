// `2fa-helpdesk understand` runs what the chat runs: the same turn, so the language, the meaning and
// what happens next are the chat's. Held together here against turns played through transition().
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { understandAsChat } from '../../src/engine/understand.ts';
import { newSnapshot } from '../../src/engine/snapshot.ts';
import { transition } from '../../src/engine/transition.ts';
import { LABELLED_FILES, labelOf, loadCases, positionAt, understandAt } from '../../src/understanding/evaluate.ts';
import { bareUsername } from '../../src/understanding/extract-username.ts';
import type { Meaning } from '../../src/ports/understanding.ts';
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

describe('understand and flows test are one pipeline with the chat', () => {
  const label = (u: ReturnType<typeof understandAsChat>) => (u.knowledge ? (u.knowledge === 'unknown' ? 'unknown' : `knowledge:${u.knowledge}`) : labelOf({ ...u, action: u.action as Meaning['action'], lang: null, closest: [] }));
  const NO_TOPIC = ['none', 'unclear', 'unknown'];
  const same = (a: string, b: string) => a === b || (NO_TOPIC.includes(a) && NO_TOPIC.includes(b));

  it('names what the chat did when the facts decided over the words: a password is out of scope, no topic', () => {
    for (const text of ['reset my SUPR password', 'my password expired', 'återställ mitt SUPR-lösenord']) {
      const u = understandAsChat(env, positionAt(env, undefined), text);
      const r = chat(undefined, text);
      expect(r.snapshot.flow, text).toBeNull();
      expect(r.snapshot.transcript.some(([, who, line]) => who === 'b' && line.startsWith('sys:out_of_scope')), text).toBe(true);
      expect(u, text).toMatchObject({ action: 'unclear', intent: 'none', topic: null, then: { flow: null } });
    }
  });

  it('agrees with flows test on every labelled message (a bare word at the menu is a username to the chat)', () => {
    const all = LABELLED_FILES.flatMap((f) => loadCases(path.join(import.meta.dirname, '../..', f)));
    expect(all.length).toBeGreaterThan(700);
    const apart = all.filter((c) => {
      const u = understandAsChat(env, positionAt(env, c.at), c.text);
      if (!c.at && bareUsername(c.text) && u.then.flow) return false;
      return !same(label(u), labelOf(understandAt(env, positionAt(env, c.at), c.text)));
    });
    expect(apart.map((c) => `${c.at ?? ''} ${c.text}`)).toEqual([]);
  });
});
