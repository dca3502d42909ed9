// The support form (GET/POST /support): a ticket for a person who would rather write than chat. Only
// what the person has proved is filled in; a form that fails its checks comes back with what was typed.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { redactCodes, stripControl } from '../../../engine/input.ts';
import { findingResults } from '../../../engine/transcript.ts';
import { isProven } from '../../../engine/transition.ts';
import { catalogues, render, type Lang } from '../../../i18n/index.ts';
import { langOf, readBody, refuse, route, sendHtml, type Routes } from '../http.ts';
import { supportPage, thanksPage } from '../pages.ts';
import type { WebSession } from '../session.ts';
import { conversationOf, CROSS_SITE, type WebDeps } from '../web-deps.ts';

// Terminal escapes and bidi overrides never reach a ticket mail or file; codes are blanked out.
const formText = (max: number) => z.string().transform((v) => stripControl(v).trim()).pipe(z.string().min(1).max(max));
const SupportBody = z.object({
  csrf: z.string().max(100),
  name: formText(200),
  email: z.email().max(254),
  username: z.string().trim().max(64).regex(/^[A-Za-z0-9._@-]*$/),
  what: formText(4000).transform(redactCodes),
});

export function supportRoutes(r: Routes, d: WebDeps): void {
  const { app } = d;
  const cfg = app.config;
  const formsPerAddress = app.limits.limiter('web-forms', 5, 10 * 60_000);
  route(r, 'GET', '/support', async (q) => {
    const lang = langOf(q.url);
    const current = await d.sessionOf(q.req, d.ip(q.req));
    if (!current.ok) return refuse(q, current);
    const { session, snapshot: snap } = current;
    const proven = isProven(snap?.subject.identity);
    const prefill = {
      name: '',
      email: proven ? snap?.subject.email ?? '' : '',
      username: proven ? snap?.subject.user ?? '' : '',
      what: snap?.note ?? '',
      messages: snap?.transcript.length ?? 0,
      findings: snap?.findings.length ?? 0,
      ...(snap?.slots.ticket ? { ticket: snap.slots.ticket.v } : {}),
    };
    sendHtml(q.res, 200, supportPage(lang, cfg.CENTRE_NAME, d.sessions.formToken(session), prefill, [], d.responseTime(lang)), d.sessions.header(session.setCookie));
  });

  function again(res: ServerResponse, lang: Lang, session: WebSession, fields: Record<string, string>, errors: string[]) {
    const html = supportPage(lang, cfg.CENTRE_NAME, d.sessions.formToken(session), {
      name: (fields.name ?? '').slice(0, 200),
      email: (fields.email ?? '').slice(0, 254),
      username: (fields.username ?? '').slice(0, 64),
      what: (fields.what ?? '').slice(0, 4000),
      messages: 0,
      findings: 0,
    }, errors, d.responseTime(lang));
    sendHtml(res, 400, html, d.sessions.header(session.setCookie));
  }

  route(r, 'POST', '/support', async (q) => {
    const lang = langOf(q.url);
    const ip = d.ip(q.req);
    if (!d.sameOrigin(q.req)) return refuse(q, CROSS_SITE);
    const body = await readBody(q.req);
    if (!body.ok) return refuse(q, body);
    const fields = Object.fromEntries(new URLSearchParams(body.value));
    const current = await d.sessionOf(q.req, ip);
    if (!current.ok) return refuse(q, current);
    const { session, snapshot: snap } = current;
    const parsed = SupportBody.safeParse({ username: '', ...fields });
    const csrf = d.sessions.checkFormToken(session, fields.csrf);
    if (!parsed.success || !csrf) {
      const words = catalogues[lang].web;
      const label = (field: string) => (['name', 'email', 'username', 'what'].includes(field) ? words[field as 'name'] : field);
      const errors = !csrf ? [words.form_expired] : (parsed.error?.issues ?? []).map((i) => render(words.check_field, { field: label(String(i.path[0])) }));
      return again(q.res, lang, session, fields, errors);
    }
    if (!(await formsPerAddress.allow(ip))) return refuse(q, { status: 429, error: 'too many forms from this address; try again later or write to the support address' });
    const form = parsed.data;
    const { reference } = await app.handover.open({
      conversationId: snap?.id ?? conversationOf(session.id),
      urgent: false,
      lang,
      ...(snap?.slots.ticket ? { relatesTo: snap.slots.ticket.v } : {}),
      subject: { ...(form.username ? { user: form.username } : {}), email: form.email, ip, identity: snap?.subject.identity === 'email' && snap.subject.user === form.username ? 'email' : 'claimed' },
      note: `${form.name}: ${form.what}`,
      transcript: snap ? app.runner.transcript(snap, 'en') : [],
      findings: snap ? findingResults(snap) : [],
      createdAt: new Date(app.clock.now()).toISOString(),
    });
    sendHtml(q.res, 200, thanksPage(lang, reference, d.responseTime(lang)));
  });
}
