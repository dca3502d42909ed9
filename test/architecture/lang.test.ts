// One `Lang`: the languages are listed once, as a zod enum in src/ports/lang.ts, and every other file
// takes the type, the schema or the list from there. A union of the codes, an enum or an array of
// them, or a second `Lang` anywhere else in src/, bench/ or test/ fails here with the file and line.
// The web page's scripts (bundled for the browser, without zod) name no language code at all: they
// test a value with `isLang` and take the list from `LANGS`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lang, LANGS } from '../../src/ports/lang.ts';

const HOME = 'src/ports/lang.ts';
const SELF = 'test/architecture/lang.test.ts';
const code = `(?:'(?:${LANGS.join('|')})'|"(?:${LANGS.join('|')})")`;
const RULES: Array<[string, RegExp]> = [
  ['a union of language codes', new RegExp(`${code}\\s*\\|\\s*${code}`)],
  ['a list of language codes', new RegExp(`\\[\\s*${code}\\s*,\\s*${code}`)],
  ['a second Lang', /^\s*(?:export\s+)?(?:type|const|let|enum|interface)\s+Lang\b/],
];
const CLIENT = 'src/channels/web/client/';
const CLIENT_RULE: [string, RegExp] = ['a language code in the page scripts (isLang and LANGS say it)', new RegExp(code)];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Each line of `text` that writes the languages itself, with the rule it breaks. */
export function ownLangs(file: string, text: string): string[] {
  const found: string[] = [];
  const rules = file.startsWith(CLIENT) ? [...RULES, CLIENT_RULE] : RULES;
  text.split('\n').forEach((line, i) => {
    for (const [what, rule] of rules) if (rule.test(line)) found.push(`${file}:${i + 1}: ${what}`);
  });
  return found;
}

describe('one Lang', () => {
  it('is a zod enum that reads what a setting or a request says', () => {
    expect(Lang.safeParse('sv').success).toBe(true);
    expect(Lang.safeParse('de').success).toBe(false);
    expect(LANGS.length).toBeGreaterThan(1);
  });

  it('sees a language written by hand (the rule finds one when there is one)', () => {
    const [a, b] = LANGS.map((l) => `'${l}'`);
    expect(ownLangs('x.ts', `let l: ${a} | ${b};`)).toEqual(['x.ts:1: a union of language codes']);
    expect(ownLangs('x.ts', `z.enum([${a}, ${b}])`)).toEqual(['x.ts:1: a list of language codes']);
    expect(ownLangs('x.ts', `for (const l of [${b}, ${a}] as const) {}`)).toEqual(['x.ts:1: a list of language codes']);
    expect(ownLangs('x.ts', 'export type Lang = string;')).toEqual(['x.ts:1: a second Lang']);
    expect(ownLangs('x.ts', "import { LANGS, type Lang } from './lang.ts';")).toEqual([]);
    expect(ownLangs('x.ts', `if (l === ${a}) say(${b});`)).toEqual([]);
    expect(ownLangs(`${CLIENT}x.ts`, `if (stored === ${a}) return stored;`)).toEqual([`${CLIENT}x.ts:1: a language code in the page scripts (isLang and LANGS say it)`]);
    expect(ownLangs(`${CLIENT}x.ts`, 'if (isLang(stored)) return stored;')).toEqual([]);
  });

  it('is written in src/ports/lang.ts only', () => {
    const files = ['src', 'bench', 'test'].flatMap(tsFiles).map((f) => f.split(path.sep).join('/'));
    expect(files).toContain(HOME);
    const found = files.filter((f) => f !== HOME && f !== SELF).flatMap((f) => ownLangs(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });
});
