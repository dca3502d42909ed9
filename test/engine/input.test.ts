// One digit rule for codes: what the parser reads as a code is what redaction
// cuts out of transcripts and tickets, in any script and with any of the separators people type.
import { describe, expect, it } from 'vitest';
import { asciiDigits, parseCode, redactCodes } from '../../src/understanding/input.ts';
import { newSnapshot } from '../../src/engine/snapshot.ts';
import { play } from '../helpers/engine.ts';

const WRITTEN = ['482913', '48 29 13', '4 8 2 9 1 3', '482.913', '482-913', '482–913', '482 - 913', '４８２９１３', '٤٨٢٩١٣', '۴۸۲۹۱۳', '४८२९१३', '482\u00a0913', '482_913', '482,913', '482/913', '482  913', '482 / 913', '48-29-13', '482\u2212913', '４８２．９１３'];

describe('codes, however they are written', () => {
  it.each(WRITTEN)('%s is read as the code 482913 and never kept', (typed) => {
    expect(parseCode(typed)).toBe('482913');
    expect(redactCodes(`my code ${typed} is refused`)).toBe('my code [code] is refused');
  });

  it('what is not a code stays: too few or too many digits, phone numbers, IP addresses, words', () => {
    for (const text of ['call 070 123 45 67', 'room 12345', '1234567890', 'my address is 10.0.0.12', 'alice', 'version 2.1']) {
      expect(redactCodes(text)).toBe(text);
      expect(parseCode(text)).toBeUndefined();
    }
    expect(parseCode('my code is 482913')).toBeUndefined();
  });

  it('digits of any script become ASCII digits', () => {
    expect(asciiDigits('٤٨٢ and ４８２ and 𝟒𝟖𝟐')).toBe('482 and 482 and 482');
  });

  it('a code written with spaces, dots or foreign digits reaches neither the transcript nor the hand-over note', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    const notes = ['48 29 13', '4 8 2 9 1 3', '482.913', '482–913', '４８２９１３', '٤٨٢٩١٣'];
    for (const note of notes) {
      const { snapshot } = play(newSnapshot('web:n', now), now, { type: 'topic', flow: 'human' }, { type: 'text', text: 'skip' }, { type: 'text', text: `it says ${note} and fails` });
      const kept = JSON.stringify(snapshot);
      expect(kept).toContain('it says [code] and fails');
      for (const digits of ['482913', '48 29 13', '913', '９１３', '٩١٣']) expect(kept).not.toContain(digits);
    }
  });
});

describe('one rule for codes in free text', () => {
  it('finds the code in a sentence however it is written', async () => {
    const { codeInText } = await import('../../src/engine/held-code.ts');
    for (const typed of ['617_214', '617,214', '617/214', '617  214', '61 72 14']) expect(codeInText(`it says ${typed} and fails`)).toBe('617214');
    expect(codeInText('call 070 123 45 67 or 10.0.0.12')).toBeUndefined();
  });

  it('codes listed one after the other are each a code; a phone number is none', () => {
    expect(redactCodes('tried 617_214, 617,215; 617/216 and 617  217')).toBe('tried [code], [code]; [code] and [code]');
    expect(redactCodes('call 018-471 00 00, or 070 123 45 67')).toBe('call 018-471 00 00, or 070 123 45 67');
  });

  it('a timestamp in a log line is not a code; a date typed alone is', () => {
    expect(redactCodes('at 2026-12-07T19:20:00Z it failed')).toBe('at 2026-12-07T19:20:00Z it failed');
    expect(redactCodes('code 617_214 at 2026-12-07T19:20:00Z')).toBe('code [code] at 2026-12-07T19:20:00Z');
  });
});
