// The Swedish catalogue, one file per part (src/i18n/sv/): every sentence a person reads. The
// findings are in src/i18n/findings.ts, both languages side by side.
import type { Catalogue } from './catalogue.ts';
import { dialogue } from './sv/dialogue.ts';
import { findingsIn } from './findings.ts';
import { messages } from './sv/messages.ts';
import { staff } from './sv/staff.ts';
import { pages } from './sv/pages.ts';
import { report } from './sv/report.ts';

export const sv: Catalogue = { ...dialogue, ...findingsIn('sv'), ...messages, ...staff, ...pages, ...report };
