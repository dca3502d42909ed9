// The phrase families of src/understanding/phrases.yaml, matched on the folded message.
import { describe, expect, it } from 'vitest';
import { isClosing, isThanks, isWaitQuestion, parsePhrases } from '../../src/understanding/phrases.ts';

describe('phrase families', () => {
  it('knows a message that only closes, in either language, with or without å/ä/ö and punctuation', () => {
    for (const t of ['ok', 'Okay!', 'thanks :)', 'Tack så mycket!', 'tack sa mycket', 'perfekt.']) expect(isClosing(t), t).toBe(true);
    for (const t of ['ok but it still fails', 'thanks, what now?', 'tack men det funkar inte']) expect(isClosing(t), t).toBe(false);
  });

  it('hears thanks anywhere, and "it works now" unless it is denied', () => {
    expect(isThanks('great, thank you')).toBe(true);
    expect(isThanks('nu funkar det')).toBe(true);
    expect(isThanks('it works now')).toBe(true);
    expect(isThanks("it doesn't work now, it works now only on the laptop")).toBe(false);
    expect(isThanks('det funkar nu inte')).toBe(false);
  });

  it('keeps a phrase written with å/ä/ö apart from its folded twin ("löst" is solved, "lost" a phone)', () => {
    expect(isThanks('löst!')).toBe(true);
    expect(isThanks('I lost my phone')).toBe(false);
  });

  it('hears a question about the wait, word by word (not inside other words)', () => {
    expect(isWaitQuestion('how long does it take?')).toBe(true);
    expect(isWaitQuestion('när får jag svar')).toBe(true);
    expect(isWaitQuestion('nar far jag svar')).toBe(true);
    expect(isWaitQuestion('I cannot log in to the waitlist page')).toBe(false);
  });

  it('refuses a phrase file of the wrong shape with config.invalid', () => {
    expect(() => parsePhrases({ closing: { match: 'sometimes', en: [], sv: [] } })).toThrow(expect.objectContaining({ code: 'config.invalid' }));
  });
});

describe('conversation repair phrases', () => {
  it('hears politeness composed with an answer, and not thanks alone or a close', async () => {
    const { phrase } = await import('../../src/understanding/phrases.ts');
    const polite = phrase('polite_answer');
    for (const t of ['yes thanks', 'Ja tack!', 'no thank you', 'nej tack', 'yes please']) expect(polite(t), t).toBe(true);
    for (const t of ['thanks', 'ok thanks', 'yes', 'Good to know, thanks!', 'toppen, tack']) expect(polite(t), t).toBe(false);
  });

  it('hears a cancellation, a request to repeat, chitchat and completion in both languages', async () => {
    const { phrase } = await import('../../src/understanding/phrases.ts');
    expect(phrase('cancel')("never mind, I'll do it tomorrow")).toBe(true);
    expect(phrase('cancel')('strunt i det')).toBe(true);
    expect(phrase('cancel')('glöm det')).toBe(true);
    expect(phrase('cancel')('I do not mind waiting')).toBe(false);
    expect(phrase('repeat')('say that again?')).toBe(true);
    expect(phrase('repeat')('vad sa du')).toBe(true);
    expect(phrase('repeat')('again my code fails')).toBe(false);
    expect(phrase('chitchat')('är du en robot?')).toBe(true);
    expect(phrase('done')("that's all")).toBe(true);
    expect(phrase('done')('det var allt')).toBe(true);
    expect(phrase('done')('that is all I get, an error')).toBe(false);
  });
});
