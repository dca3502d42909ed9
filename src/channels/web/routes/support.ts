// The support form (GET/POST /support): a ticket for a person who would rather write than chat. Only
// what the person has proved is filled in; a form that fails its checks comes back with what was typed.
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { redactCodes, stripControl } from '../../../engine/input.ts';
import { findingResults } from '../../../engine/transcript.ts';
import { isProven } from '../../../engine/transition.ts';
import { catalogues, render, type Lang } from '../../../i18n/index.ts';
import { langOf, refuse, sendHtml } from '../http.ts';
import { supportPage, thanksPage } from '../pages.ts';
import type { WebSession } from '../session.ts';
import { conversationOf, type WebDeps } from '../web-deps.ts';

// Terminal escapes and bidi overrides never reach a ticket mail or file; codes are blanked out.
const formText = (max: number) => z.string().transform((v) => stripControl(v).trim()).pipe(z.string().min(1).max(max));
const SupportBody = z.object({
  csrf: z.string().max(100),
  name: formText(200),
  email: z.email().max(254),
  username: z.string().trim().max(64).regex(/^[A-Za-z0-9._@-]*$/),
  what: formText(4000).transform(redactCodes),
});

/** The form's fields as strings (the last, when a field is repeated). */
function fieldsOf(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body)) {
    const last: unknown = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') out[k] = last;
  }
  return out;
}

export async function supportRoutes(f: FastifyInstance, d: WebDeps): Promise<void> {
  const { app } = d;
  const cfg = app.config;
  const formsPerAddress = app.limits.limiter('web-forms', 5, 10 * 60_000);
  // Forms are parsed here only: a form posted anywhere else is refused as the wrong type.
  await f.register(formbody);

  f.get('/support', async (req, reply) => {
    const lang = langOf(req);
    const current = await d.sessionOf(req, reply, d.ip(req));
    if (!current) return reply;
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
    d.sessions.set(reply, session.setCookie);
    return sendHtml(reply, 200, supportPage(lang, cfg.CENTRE_NAME, d.sessions.formToken(session), prefill, [], d.responseTime(lang)));
  });

  function again(reply: FastifyReply, lang: Lang, session: WebSession, fields: Record<string, string>, errors: string[]) {
    const html = supportPage(lang, cfg.CENTRE_NAME, d.sessions.formToken(session), {
      name: (fields.name ?? '').slice(0, 200),
      email: (fields.email ?? '').slice(0, 254),
      username: (fields.username ?? '').slice(0, 64),
      what: (fields.what ?? '').slice(0, 4000),
      messages: 0,
      findings: 0,
    }, errors, d.responseTime(lang));
    d.sessions.set(reply, session.setCookie);
    return sendHtml(reply, 400, html);
  }

  f.post('/support', async (req, reply) => {
    const lang = langOf(req);
    const ip = d.ip(req);
    if (!d.sameOrigin(req, reply)) return reply;
    const fields = fieldsOf(req.body);
    const current = await d.sessionOf(req, reply, ip);
    if (!current) return reply;
    const { session, snapshot: snap } = current;
    const parsed = SupportBody.safeParse({ username: '', ...fields });
    const csrf = d.sessions.checkFormToken(session, fields.csrf);
    if (!parsed.success || !csrf) {
      const words = catalogues[lang].web;
      const label = (field: string) => (['name', 'email', 'username', 'what'].includes(field) ? words[field as 'name'] : field);
      const errors = !csrf ? [words.form_expired] : (parsed.error?.issues ?? []).map((i) => render(words.check_field, { field: label(String(i.path[0])) }));
      return again(reply, lang, session, fields, errors);
    }
    if (!(await formsPerAddress.allow(ip))) return refuse(reply, 429, 'too many forms from this address; try again later or write to the support address');
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
    return sendHtml(reply, 200, thanksPage(lang, reference, d.responseTime(lang)));
  });
}
