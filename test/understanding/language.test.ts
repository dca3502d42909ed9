// The language identifier: right or silent on short words, Swedish without å/ä/ö, Swedish with
// English words in it, and measured on the labelled messages it was not trained on.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../src/understanding/evaluate.ts';
import { createLanguageIdentifier, identifyLanguage } from '../../src/understanding/language.ts';

describe('identifyLanguage', () => {
  it('short words come out right or undefined, never wrong', () => {
    const sv = ['tack', 'hej', 'hejsan', 'nej', 'okej', 'japp', 'visst', 'vet inte', 'meny', 'tack så mycket', 'manniska'];
    const en = ['thanks', 'thank you', 'hello', 'yes', 'nope', 'sure', 'skip', 'human', 'idk'];
    for (const t of sv) expect(identifyLanguage(t).lang, t).not.toBe('en');
    for (const t of en) expect(identifyLanguage(t).lang, t).not.toBe('sv');
    // The words of a greeting or a thank-you are the ones a conversation starts and ends with: known.
    for (const t of ['tack', 'hej', 'nej']) expect(identifyLanguage(t).lang, t).toBe('sv');
    for (const t of ['thanks', 'hello', 'yes']) expect(identifyLanguage(t).lang, t).toBe('en');
  });

  it('says nothing about what has no language', () => {
    for (const t of ['ok', '604079', '192.0.2.10', 'sms', '2fa', 'token', '']) expect(identifyLanguage(t).lang, t).toBeUndefined();
  });

  it('a few words it has never seen, or has seen as often in both languages, have no language', () => {
    for (const t of ['banana', 'banana bread', 'bananas', 'pizza', 'kaffe', 'ok']) expect(identifyLanguage(t).lang, t).toBeUndefined();
    // Å, ä and ö are Swedish in any word; four words or more are read by their letters.
    expect(identifyLanguage('smörgås').lang).toBe('sv');
    expect(identifyLanguage('jag vill ha en banana').lang).toBe('sv');
  });

  it('knows Swedish without å/ä/ö and with English words in it', () => {
    expect(identifyLanguage('jag har tappat bort min telefon').lang).toBe('sv');
    expect(identifyLanguage('ar min token aktiv nu').lang).toBe('sv');
    expect(identifyLanguage('min 2fa funkar inte, authenticator appen visar fel code').lang).toBe('sv');
    expect(identifyLanguage('koden godkanns inte nar jag loggar in pa rackham').lang).toBe('sv');
    expect(identifyLanguage('my token is not active yet').lang).toBe('en');
    expect(identifyLanguage('the app shows a code but ssh says permission denied').lang).toBe('en');
  });

  it('gets the labelled messages right, and never says the wrong language on more than 1 in 100', () => {
    for (const file of ['messages.yaml', 'long-messages.yaml']) {
      const cases = loadCases(path.join(import.meta.dirname, file));
      let right = 0;
      let wrong = 0;
      for (const c of cases) {
        const g = identifyLanguage(c.text);
        if (g.lang === c.lang) right++;
        else if (g.lang) wrong++;
      }
      expect(right / cases.length, file).toBeGreaterThanOrEqual(0.95);
      expect(wrong / cases.length, file).toBeLessThanOrEqual(0.01);
    }
  });

  it('a confidence between 0 and 1, higher for longer text', () => {
    const short = identifyLanguage('hej');
    const long = identifyLanguage('hej, jag har fått en ny telefon och vet inte hur jag flyttar koderna');
    expect(short.confidence).toBeGreaterThan(0);
    expect(long.confidence).toBeGreaterThanOrEqual(short.confidence);
    expect(long.confidence).toBeLessThanOrEqual(1);
  });

  it('learns from the samples it is given (a centre with flows of its own)', () => {
    const id = createLanguageIdentifier([
      { lang: 'en', text: 'the cat sat on the mat' },
      { lang: 'sv', text: 'katten satt på mattan' },
    ]);
    expect(id.identify('the cat on the mat').lang).toBe('en');
    expect(id.identify('katten på mattan').lang).toBe('sv');
  });
});
