// The support form (GET/POST /support): a ticket for a person who would rather write than chat. Only
// what the person has proved is filled in; a form that fails its checks comes back with what was typed.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { InputParsers } from '../../../ports/input.ts';
import type { WebText } from '../../../ports/catalogue.ts';
import type { Lang } from '../../../ports/lang.ts';
import { langOf, readBody, refuse, route, sendHtml, type Routes } from '../http.ts';
import { supportPage, thanksPage } from '../pages.ts';
import type { WebSession } from '../session.ts';
import { conversationOf, CROSS_SITE, type WebDeps } from '../web-deps.ts';

/**
 * Terminal escapes and bidi overrides never reach a ticket mail or file; a one-line field keeps no
 * line break (a name cannot forge a line staff read as the bot's); codes are blanked out everywhere.
 */
function supportBody(parse: InputParsers) {
  const formText = (max: number) => z.string().transform((v) => parse.redactCodes(parse.plainText(v).trim())).pipe(z.string().min(1).max(max));
  const lineText = (max: number) => z.string().transform((v) => parse.redactCodes(parse.oneLine(v))).pipe(z.string().min(1).max(max));
  return z.object({
    csrf: z.string().max(100),
    name: lineText(200),
    email: z.string().transform((v) => parse.oneLine(v)).pipe(z.email().max(254)),
    username: z.string().trim().max(64).regex(/^[A-Za-z0-9._@-]*$/),
    what: formText(4000),
  });
}

const FIELDS: readonly string[] = ['name', 'email', 'username', 'what'] satisfies WebText[];

export function supportRoutes(r: Routes, d: WebDeps): void {
  const { ctx } = d;
  const centre = ctx.site.centre;
  const SupportBody = supportBody(ctx.parse);
  const formsPerAddress = ctx.limits.limiter('web-forms', 5, 10 * 60_000);
  route(r, 'GET', '/support', async (q) => {
    const lang = langOf(q.url);
    const current = await d.sessionOf(q.req, d.ip(q.req));
    if (!current.ok) return refuse(q, current);
    const { session } = current;
    const prefill = { name: '', ...(await ctx.support.prefill(conversationOf(session.id))) };
    sendHtml(q.res, 200, supportPage(ctx.words, lang, centre, d.sessions.formToken(session), prefill, [], d.responseTime(lang)), d.sessions.header(session.setCookie));
  });

  function again(res: ServerResponse, lang: Lang, session: WebSession, fields: Record<string, string>, errors: string[]) {
    const html = supportPage(ctx.words, lang, centre, d.sessions.formToken(session), {
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
    const { session } = current;
    const parsed = SupportBody.safeParse({ username: '', ...fields });
    const csrf = d.sessions.checkFormToken(session, fields.csrf);
    if (!parsed.success || !csrf) {
      const label = (field: string) => (FIELDS.includes(field) ? ctx.words.web(lang, field as WebText) : field);
      const errors = !csrf ? [ctx.words.web(lang, 'form_expired')] : (parsed.error?.issues ?? []).map((i) => ctx.words.web(lang, 'check_field', { field: label(String(i.path[0])) }));
      return again(q.res, lang, session, fields, errors);
    }
    if (!(await formsPerAddress.allow(ip))) return refuse(q, { status: 429, error: 'too many forms from this address; try again later or write to the support address' });
    const form = parsed.data;
    const reference = await ctx.support.open({ conversationId: conversationOf(session.id), lang, name: form.name, email: form.email, username: form.username, what: form.what, ip });
    sendHtml(q.res, 200, thanksPage(ctx.words, lang, reference, d.responseTime(lang)));
  });
}
