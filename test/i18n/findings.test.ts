// The findings' table holds each outcome's summary and advice in English and Swedish side by side:
// every outcome has both, and the Swedish is a translation, not the English left in place.
import { expect, it } from 'vitest';
import { CHECK_CODES, CHECK_IDS, CHECK_VARIANTS } from '../../src/checks/catalogue.ts';
import { ADVICE, SUMMARIES, findingsIn } from '../../src/i18n/findings.ts';
import { catalogues } from '../../src/i18n/index.ts';
import { LANGS } from '../../src/ports/lang.ts';

const data = { username: 'alice', status: 'locked', failCount: 5, minutesSinceRegistration: 75, state: 'disabled', amount: 42, direction: 'ahead', offsetSteps: 2, ip: '192.0.2.1', ptr: ['a.example'] };

it('every outcome has a summary in both languages, and they differ', () => {
  for (const id of CHECK_IDS) {
    for (const code of CHECK_CODES[id]) {
      const { en, sv } = SUMMARIES[code];
      expect(en(data), code).not.toBe('');
      expect(sv(data), code).not.toBe(en(data));
    }
  }
});

it('every piece of advice is in both languages, and they differ', () => {
  for (const [key, texts] of Object.entries(ADVICE)) {
    expect([...CHECK_IDS.flatMap((i) => CHECK_CODES[i]), ...CHECK_VARIANTS] as string[]).toContain(key);
    expect(texts?.en, key).toBeTruthy();
    expect(texts?.sv, key).not.toBe(texts?.en);
  }
});

it("each language's catalogue is the table's column", () => {
  for (const lang of LANGS) {
    expect(catalogues[lang].advice).toEqual(findingsIn(lang).advice);
    expect(catalogues[lang].summary['clock.skewed'](data)).toBe(SUMMARIES['clock.skewed'][lang](data));
  }
});
