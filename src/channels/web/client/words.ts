// The page's words in both languages, from the server's catalogues: a JSON block in the page (not a
// script), read once.
import type { PageKey } from '../../../ports/catalogue.ts';
import { isLang, LANGS, type Lang } from '../../../ports/lang.ts';

export { isLang, LANGS, type Lang, type PageKey };

export type Words = Record<Lang, Record<PageKey, string>>;

export function readWords(): Words {
  return JSON.parse(document.getElementById('words')?.textContent ?? '{}') as Words;
}

/** A page word with its `{name}` placeholders filled in. */
export function fill(text: string | undefined, vars: Record<string, string | number> = {}): string {
  return (text ?? '').replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}
