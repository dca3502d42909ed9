// The privacy notice at /privacy, in the person's language, generated from the retention settings
// so what it promises is what housekeeping does. Every word comes from the catalogues.
import { escapeHtml as e } from './http.ts';
import { layout } from './pages.ts';
import type { Wording } from '../../ports/catalogue.ts';
import { LANGS, type Lang } from '../../ports/lang.ts';

export interface PrivacyFacts {
  centre: string;
  supportEmail: string;
  /** Retention windows in milliseconds (RETENTION_*). */
  conversations: number;
  silentConversations: number;
  addresses: number;
  tickets: number;
}

export function privacyPage(wording: Wording, lang: Lang, f: PrivacyFacts): string {
  const words = { centre: f.centre, support_email: f.supportEmail };
  const t = (key: Parameters<Wording['privacy']>[1], vars: Record<string, unknown> = words) => wording.privacy(lang, key, vars);
  const time = (ms: number) => wording.duration(ms / 60_000, lang);
  const row = (what: string, why: string, howLong: string) => `<tr><td>${e(what)}</td><td>${e(why)}</td><td>${e(howLong)}</td></tr>`;
  const others = LANGS.filter((l) => l !== lang).map((l) => `<a href="/privacy?lang=${l}" lang="${l}" hreflang="${l}">${e(wording.privacy(l, 'title', words))}</a>`);
  return layout(
    lang,
    t('title'),
    `<p class="lang-switch">${others.join(' ')}</p>
<h1>${e(t('title'))}</h1>
<p>${e(t('intro'))}</p>
<h2>${e(t('kept_heading'))}</h2>
<div class="table-scroll" tabindex="0" role="region" aria-label="${e(t('kept_heading'))}"><table class="retention">
<thead><tr><th scope="col">${e(t('col_what'))}</th><th scope="col">${e(t('col_why'))}</th><th scope="col">${e(t('col_how_long'))}</th></tr></thead>
<tbody>
${row(t('conversations_what'), t('conversations_why'), t('conversations_how_long', { ...words, time: time(f.conversations) }))}
${row(t('silent_what'), '', t('silent_how_long', { ...words, time: time(f.silentConversations) }))}
${row(t('addresses_what'), t('addresses_why'), t('addresses_how_long', { ...words, time: time(f.addresses) }))}
${row(t('tickets_what'), t('tickets_why'), t('tickets_how_long', { ...words, time: time(f.tickets) }))}
${row(t('watches_what'), t('watches_why'), t('conversations_how_long', { ...words, time: time(f.conversations) }))}
</tbody></table></div>
<p>${e(t('never'))}</p>
<p>${e(t('logs'))}</p>
<h2>${e(t('platforms_heading'))}</h2>
<p>${e(t('platforms'))}</p>
<h2>${e(t('rights_heading'))}</h2>
<p>${e(t('rights'))}</p>
<p>${e(t('controller'))}</p>`,
  );
}
