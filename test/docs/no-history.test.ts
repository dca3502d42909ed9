// The repository describes the product as it is: the README, docs/, the sources, the tests (their
// file names and their text), the benchmarks and the deployment files name no issue, wave or work
// session, and no decision by when it was made. That history is CHANGELOG.md's.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, isText, ROOT, SCANNED } from '../helpers/repo-files.ts';

const SELF = path.relative(ROOT, import.meta.filename);
/** The changelog is where the history goes. */
const HISTORY_KEPT = 'CHANGELOG.md';

/** What development history looks like in prose, comments, names and output. */
const HISTORY: Array<[string, RegExp]> = [
  ['an issue number', /\bissues?\s*#?\d+/i],
  ['a numbered item of an issue', /\bitems? \d+(?: and \d+)?\)/i],
  ['a wave', /\bwaves?\s+\d+\b|\b(?:this|that|previous|next|last|earlier|later|same|third|fourth)\s+wave\b/i],
  ['a work session', /(?<!['"`])\bsession[- ]\d+\b/i],
  ['when something was decided', /\bdecided (?:in|on)\b|\(decided\b|\bdecided \d{4}-\d\d/i],
  ['a pull request', /\b(?:PR|pull request)\s*#?\d+/i],
];
/** A file named after the work that added it rather than what it holds. */
const HISTORY_NAME = /^(?:e|issue|wave|w)\d+[-_.]/i;

const ALL = SCANNED.flatMap(filesUnder).filter((f) => f !== HISTORY_KEPT);

describe('no development history in the repository', () => {
  it('no file is named after an issue or a wave', () => {
    expect(ALL.filter((f) => HISTORY_NAME.test(path.basename(f)))).toEqual([]);
  });

  it('no text names an issue, a wave, a work session or when a decision was made', () => {
    const found: string[] = [];
    for (const file of ALL) {
      if (file === SELF || !isText(file)) continue;
      const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const [what, re] of HISTORY) if (re.test(line)) found.push(`${file}:${i + 1}: ${what}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(found).toEqual([]);
  });
});
