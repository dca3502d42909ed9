// The Swedish catalogue, one file per part (src/i18n/sv/): every sentence a person reads.
import type { Catalogue } from './catalogue.ts';
import { dialogue } from './sv/dialogue.ts';
import { findings } from './sv/findings.ts';
import { messages } from './sv/messages.ts';
import { staff } from './sv/staff.ts';
import { pages } from './sv/pages.ts';

export const sv: Catalogue = { ...dialogue, ...findings, ...messages, ...staff, ...pages };
