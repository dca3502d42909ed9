// The English catalogue, one file per part (src/i18n/en/): every sentence a person reads. The
// findings are in src/i18n/findings.ts, both languages side by side.
import type { Catalogue } from './catalogue.ts';
import { dialogue } from './en/dialogue.ts';
import { findingsIn } from './findings.ts';
import { messages } from './en/messages.ts';
import { staff } from './en/staff.ts';
import { pages } from './en/pages.ts';
import { report } from './en/report.ts';

export const en: Catalogue = { ...dialogue, ...findingsIn('en'), ...messages, ...staff, ...pages, ...report };
