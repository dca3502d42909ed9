// Server-rendered pages (support form, results, link landings). Every value passes escapeHtml.
import { escapeHtml as e } from './http.ts';
import type { Lang } from '../../i18n/index.ts';

const layout = (lang: Lang, title: string, body: string) => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main><div class="card">${body}</div></main></body></html>`;

const T = {
  en: {
    supportTitle: 'Support form',
    intro: 'Tell us what happened. Never include your password, a code or a QR code.',
    name: 'Your name',
    email: 'Your e-mail address',
    username: 'Your username (if you have one)',
    what: 'What happened?',
    attached: (n: number, f: number) => `Our conversation (${n} messages) and ${f} findings will be attached.`,
    submit: 'Send to support',
    thanks: 'Thank you. Your message has reached the support team.',
    reference: 'Your reference',
    backToChat: 'Back to the chat',
    badLink: 'This link is not valid: it may have expired or been used already. Ask the chat for a new one.',
  },
  sv: {
    supportTitle: 'Supportformulär',
    intro: 'Berätta vad som hände. Skriv aldrig ditt lösenord, en kod eller en QR-kod.',
    name: 'Ditt namn',
    email: 'Din e-postadress',
    username: 'Ditt användarnamn (om du har ett)',
    what: 'Vad hände?',
    attached: (n: number, f: number) => `Vårt samtal (${n} meddelanden) och ${f} resultat bifogas.`,
    submit: 'Skicka till supporten',
    thanks: 'Tack. Ditt meddelande har nått supporten.',
    reference: 'Ditt referensnummer',
    backToChat: 'Tillbaka till chatten',
    badLink: 'Länken är inte giltig: den kan ha gått ut eller redan använts. Be chatten om en ny.',
  },
};

export interface SupportPrefill {
  name: string;
  email: string;
  username: string;
  what: string;
  messages: number;
  findings: number;
}

export function supportPage(lang: Lang, centre: string, csrf: string, v: SupportPrefill, errors: string[] = []): string {
  const t = T[lang];
  return layout(
    lang,
    `${centre}: ${t.supportTitle}`,
    `<h1>${e(centre)}: ${e(t.supportTitle)}</h1>
<p>${e(t.intro)}</p>
${errors.map((x) => `<p class="error" role="alert">${e(x)}</p>`).join('\n')}
<form class="support" method="post" action="/support?lang=${lang}">
<input type="hidden" name="csrf" value="${e(csrf)}">
<label for="name">${e(t.name)}</label><input id="name" name="name" maxlength="200" required value="${e(v.name)}">
<label for="email">${e(t.email)}</label><input id="email" name="email" type="email" maxlength="254" required value="${e(v.email)}">
<label for="username">${e(t.username)}</label><input id="username" name="username" maxlength="64" value="${e(v.username)}">
<label for="what">${e(t.what)}</label><textarea id="what" name="what" maxlength="4000" required>${e(v.what)}</textarea>
<p>${e(t.attached(v.messages, v.findings))}</p>
<button type="submit">${e(t.submit)}</button>
</form>`,
  );
}

export function thanksPage(lang: Lang, reference: string): string {
  const t = T[lang];
  return layout(lang, t.thanks, `<p>${e(t.thanks)}</p><p>${e(t.reference)}: <strong id="reference">${e(reference)}</strong></p><p><a href="/">${e(t.backToChat)}</a></p>`);
}

export function badLinkPage(lang: Lang): string {
  return layout(lang, T[lang].badLink, `<p class="error">${e(T[lang].badLink)}</p><p><a href="/">${e(T[lang].backToChat)}</a></p>`);
}
