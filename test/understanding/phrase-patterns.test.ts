// Phrases written in data: the marks of their small language, contractions, clause anchors and a
// "not" before a phrase that negation voids; a phrase that cannot be compiled says why.
import { describe, expect, it } from 'vitest';
import { compilePhrase, compilePhrases, findPhrase, phraseClauses } from '../../src/understanding/phrase-patterns.ts';
import { compileFact, factIn } from '../../src/understanding/fact-rules.ts';
import { FactRulesFile } from '../../src/flows/fact-files.ts';

const hit = (phrase: string, text: string) => phraseClauses(text).some((c) => compilePhrase(phrase).test(c));

describe('a phrase', () => {
  it('matches whole words, folded, with contractions written out', () => {
    expect(hit('did not register', "I didn't register it")).toBe(true);
    expect(hit('did not register', 'I did not register it')).toBe(true);
    expect(hit('did not register', 'I didnt register it')).toBe(true);
    expect(hit('var inte jag', 'Det var INTE jag!')).toBe(true);
    expect(hit('var inte jag', 'det var inte jagad')).toBe(false);
  });

  it('knows one of, optional, a gap, any ending and the ends of a clause', () => {
    expect(hit('(it|that) was not me', 'that was not me')).toBe(true);
    expect(hit('(it|that)? was not me', 'was not me')).toBe(true);
    expect(hit('login ... i did not make', 'a login on my account i did not make')).toBe(true);
    expect(hit('login ... i did not make', 'a login on my new work account i did not make')).toBe(false);
    expect(hit('registrer* token', 'registrerade token')).toBe(true);
    expect(hit('^i did not$', 'the mail says so. I did not.')).toBe(true);
    expect(hit('^i did not$', 'I did not get the mail')).toBe(false);
  });

  it('reads clauses at punctuation only, so "without me" and "utan att jag" keep their first word', () => {
    expect(hit('without my permission', 'someone added a token without my permission')).toBe(true);
    expect(hit('utan att jag', 'en token har lagts till utan att jag gjort något')).toBe(true);
  });

  it('is voided by a "not" before it only when negatable', () => {
    const got = compilePhrases(['got a mail'], true);
    expect(findPhrase(phraseClauses('I got a mail'), got)).toBe('got a mail');
    expect(findPhrase(phraseClauses('I have not got a mail'), got)).toBeUndefined();
    expect(findPhrase(phraseClauses('I have not got a mail'), compilePhrases(['got a mail'], false))).toBe('got a mail');
  });

  it('says why it cannot be compiled', () => {
    expect(() => compilePhrase('(a|)')).toThrow(/empty choice/);
    expect(() => compilePhrase('(a|b')).toThrow(/unbalanced/);
    expect(() => compilePhrase('(a|b)? ...')).toThrow(/at least one word/);
  });
});

describe('a fact written as rules', () => {
  const file = FactRulesFile.parse({
    fact: 'takeover',
    terms: { event: { en: ['token'], sv: ['token'] }, denial: { en: ['not me'], sv: ['inte jag'] }, later: { en: ['yet'], sv: ['an$'] } },
    rules: [{ all: ['denial', 'event'], unless: ['later'] }],
  });

  it('holds when every term of a rule is in the message and none of its unless', () => {
    const { fact, problems } = compileFact(file);
    expect(problems).toEqual([]);
    expect(factIn(fact!, 'a token, not me')).toMatchObject({ rule: 0, found: { denial: 'not me', event: 'token' } });
    expect(factIn(fact!, 'not me, no token yet')).toBeUndefined();
    expect(factIn(fact!, 'not me')).toBeUndefined();
  });

  it('names each problem by its key: an unknown term, a bad phrase, a term in one language only, a term no rule uses', () => {
    const { fact, problems } = compileFact({
      ...file,
      terms: { ...file.terms, bad: { negatable: false, en: ['(a|'], sv: ['x'] }, lonely: { negatable: false, en: ['x'], sv: [] } },
      rules: [{ all: ['denial', 'nowhere'], unless: [] }],
    });
    expect(fact).toBeUndefined();
    expect(problems.map((p) => p.key).sort()).toEqual(['rules.0', 'terms.bad', 'terms.bad.en.0', 'terms.event', 'terms.later', 'terms.lonely', 'terms.lonely'].sort());
  });
});
