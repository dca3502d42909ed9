// The English catalogue, one file per part (src/i18n/en/): every sentence a person reads.
import type { Catalogue } from './catalogue.ts';
import { dialogue } from './en/dialogue.ts';
import { findings } from './en/findings.ts';
import { messages } from './en/messages.ts';
import { staff } from './en/staff.ts';
import { pages } from './en/pages.ts';

export const en: Catalogue = { ...dialogue, ...findings, ...messages, ...staff, ...pages };
