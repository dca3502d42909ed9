import { en } from './en.ts';
import { sv } from './sv.ts';
import type { Catalogue, Lang } from './catalogue.ts';

export const catalogues: Record<Lang, Catalogue> = { en, sv };
export { render, placeholdersOf, isLang, LANGS } from './catalogue.ts';
export type { Catalogue, Lang } from './catalogue.ts';
