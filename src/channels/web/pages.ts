// Server-rendered pages (support form, thanks, bad link). Every value passes escapeHtml; every
// word comes from the catalogues.
import { escapeHtml as e } from './http.ts';
import type { WebText, Wording } from '../../ports/catalogue.ts';
import { LANGS, type Lang } from '../../ports/lang.ts';
import type { SupportPrefill } from '../../ports/support.ts';

export const layout = (lang: Lang, title: string, body: string) => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><link rel="stylesheet" href="/static/app.css"></head>
<body class="page"><main><div class="card">${body}</div></main></body></html>`;

/** The chat page's words in every language, as JSON for a `<script type="application/json">` block: `<` is escaped so no text can close it. */
export const pageWordsJson = (words: Wording): string => JSON.stringify(Object.fromEntries(LANGS.map((lang) => [lang, words.pageWords(lang)]))).replace(/</g, '\\u003c');

/** What the form shows: the conversation's prefill (a ticket it already has adds to it) and a name. */
export interface SupportFormValues extends SupportPrefill {
  name: string;
}

/** The web pages' texts in one language, rendered with the centre's words. */
const textsOf = (words: Wording, lang: Lang) => (key: WebText, vars?: Record<string, unknown>) => words.web(lang, key, vars);

export function supportPage(words: Wording, lang: Lang, centre: string, csrf: string, v: SupportFormValues, errors: string[] = [], response?: string): string {
  const t = textsOf(words, lang);
  const attached = v.findings > 0 ? t('attached_findings', { messages: v.messages, findings: v.findings }) : v.messages > 0 ? t('attached_conversation', { messages: v.messages }) : '';
  return layout(
    lang,
    `${centre}: ${t('support_title')}`,
    `<p><a href="/?lang=${lang}" class="back">← ${e(t('back_to_chat'))}</a></p>
<h1>${e(centre)}: ${e(t('support_title'))}</h1>
<p>${e(t('support_intro'))}</p>
${v.ticket ? `<p class="note" id="existing-ticket">${e(t('existing_ticket', { ticket: v.ticket }))}</p>` : ''}
${errors.map((x) => `<p class="error" role="alert">${e(x)}</p>`).join('\n')}
<form class="support" method="post" action="/support?lang=${lang}">
<input type="hidden" name="csrf" value="${e(csrf)}">
<label for="name">${e(t('name'))}</label><input id="name" name="name" maxlength="200" required autocomplete="name" value="${e(v.name)}">
<label for="email">${e(t('email'))}</label><input id="email" name="email" type="email" maxlength="254" required autocomplete="email" value="${e(v.email)}">
<label for="username">${e(t('username'))}</label><input id="username" name="username" maxlength="64" autocomplete="username" value="${e(v.username)}">
<label for="what">${e(t('what'))}</label><textarea id="what" name="what" maxlength="4000" required>${e(v.what)}</textarea>
${attached ? `<p>${e(attached)}</p>` : ''}
${response ? `<p id="response-time">${e(t('response_time', { time: response }))}</p>` : ''}
<button type="submit">${e(t('submit'))}</button>
</form>`,
  );
}

export function thanksPage(words: Wording, lang: Lang, reference: string, response?: string): string {
  const t = textsOf(words, lang);
  return layout(
    lang,
    t('thanks'),
    `<p>${e(t('thanks'))}</p><p>${e(t('reference'))}: <strong id="reference">${e(reference)}</strong></p>${response ? `<p>${e(t('response_time', { time: response }))}</p>` : ''}<p><a href="/?lang=${lang}">${e(t('back_to_chat'))}</a></p>`,
  );
}

export function badLinkPage(words: Wording, lang: Lang): string {
  const t = textsOf(words, lang);
  return layout(lang, t('bad_link'), `<p class="error">${e(t('bad_link'))}</p><p><a href="/?lang=${lang}">${e(t('back_to_chat'))}</a></p>`);
}
