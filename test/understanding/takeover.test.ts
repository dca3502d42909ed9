// The takeover fact (flows/facts/takeover.yaml) on its own labelled sets: every report of a token,
// mail or login the person did not make is heard (recall), and none of the near misses is (false
// alarms); then the conversation sends each to the urgent hand-over. The figures are printed, as
// `flows test` prints its own, so a change to the phrases shows what it did.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideByFacts } from '../../src/understanding/interpret.ts';
import { factReadersOf } from '../../src/understanding/hear.ts';
import { loadCases, positionAt, type Case } from '../../src/understanding/evaluate.ts';
import { extractSlots } from '../../src/understanding/extract.ts';
import { flows, understanding } from '../helpers/engine.ts';
import { LANGS } from '../../src/ports/lang.ts';

const readers = factReadersOf(flows);
const heard = (c: Case) => extractSlots(c.text, undefined, readers).takeover === true;

function measure(file: string) {
  const cases = loadCases(path.join(import.meta.dirname, file));
  const reports = cases.filter((c) => c.expected === 'takeover');
  const nearMisses = cases.filter((c) => c.expected === 'not_takeover');
  const missed = reports.filter((c) => !heard(c));
  const alarms = nearMisses.filter(heard);
  const line = `${file}: recall ${reports.length - missed.length}/${reports.length}, false alarms ${alarms.length}/${nearMisses.length}`;
  console.log([line, ...missed.map((c) => `  missed (${c.lang}): ${c.text}`), ...alarms.map((c) => `  false alarm (${c.lang}): ${c.text}`)].join('\n'));
  return { cases, reports, nearMisses, missed, alarms };
}

describe('a token, mail or login the person did not make', () => {
  it.each(['takeover.yaml', 'takeover-held-out.yaml', 'takeover-recall.yaml'])('is heard in every paraphrase of %s, in both languages, and no near miss is', (file) => {
    const m = measure(file);
    for (const lang of LANGS) {
      expect(m.reports.filter((c) => c.lang === lang).length, lang).toBeGreaterThanOrEqual(12);
      expect(m.nearMisses.filter((c) => c.lang === lang).length, lang).toBeGreaterThanOrEqual(10);
    }
    expect(m.missed.map((c) => c.text)).toEqual([]);
    expect(m.alarms.map((c) => c.text)).toEqual([]);
  });

  it('hears the negation: "I did not register", "jag har inte registrerat", "det var inte jag"', () => {
    for (const text of ['a mail says a token was registered. I did not register anything', 'fick ett mejl om en ny token men jag har inte registrerat någon', 'fick mejl om en ny token, det var inte jag']) {
      expect(extractSlots(text, undefined, readers).takeover, text).toBe(true);
    }
    // The same words without the denial are someone who registered, or has not yet.
    for (const text of ['a mail says a token was registered, I did register it this morning', 'jag har inte registrerat någon token än', 'I have not registered yet, how do I set up the token?', 'my code does not work for me']) {
      expect(extractSlots(text, undefined, readers).takeover, text).toBeUndefined();
    }
  });

  it('hears typos of its own words, and does not turn a real word into one of them', () => {
    for (const text of ['someon loged in as me', 'i got an emial that a tokne was added, it wasnt me', 'i recieved a verfication code i never requestd', 'nån har registrerat en tokn på mitt konto', 'okänd inlogning på mitt konto']) {
      expect(extractSlots(text, undefined, readers).takeover, text).toBe(true);
    }
    // "kapat" is not "skapat", "konto" not "kontot", "login" not "logins": a word of the phrases stays itself.
    for (const text of ['jag tror att mitt konto har blivit kapat', 'I was notified of a login I do not recognize']) {
      expect(extractSlots(text, undefined, readers).takeover, text).toBe(true);
    }
    for (const text of ['my login failed me again', 'the token was taken from the setup page, I did not do anything wrong']) {
      expect(extractSlots(text, undefined, readers).takeover, text).toBeUndefined();
    }
  });

  it('wins over topic routing, at the start and in another topic: the urgent takeover step', () => {
    const env = { flows, understanding };
    for (const c of ['takeover.yaml', 'takeover-recall.yaml'].flatMap((f) => measure(f).reports)) {
      for (const at of [undefined, 'code_rejected.code', 'nothing_received.which']) {
        const s = positionAt(env, at);
        expect(decideByFacts(env, s, extractSlots(c.text, undefined, readers))?.topic, `${at ?? 'start'}: ${c.text}`).toBe('lost_device');
      }
    }
  });
});
