// The phone clock check: the page a clock link opens (/c/TOKEN, or /clock without one), the server's
// time it measures against (/api/time), and the measurement it posts (/api/clock[/TOKEN]), which
// becomes a turn of the linked conversation.
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { Lang } from '../../../ports/lang.ts';
import { escapeHtml as escape, langOf, readJson, refuse, route, sendHtml, sendJson, type Request, type Routes } from '../http.ts';
import { badLinkPage, pageWordsJson } from '../pages.ts';
import { CROSS_SITE, type WebDeps } from '../web-deps.ts';

const ClockBody = z.object({
  offsetMs: z.number().finite().min(-10 * 365 * 86400_000).max(10 * 365 * 86400_000),
  errorMs: z.number().finite().min(0).max(60_000),
  samples: z.number().int().min(1).max(50).optional(),
  lang: Lang.optional(),
});

const TOKEN = /^[^/]{1,80}$/;
const BAD_LINK = { status: 404, error: 'this clock link is not valid any more' };

export function clockRoutes(r: Routes, d: WebDeps): void {
  const { ctx } = d;
  const clockPostsPerAddress = ctx.limits.limiter('web-clock-posts', 30, 10 * 60_000);
  const clockHtml = readFileSync(path.join(import.meta.dirname, '..', 'static', 'clock.html'), 'utf8').replace('{{words}}', () => pageWordsJson(ctx.words));

  function clockPage(res: ServerResponse, lang: Lang, token: string) {
    const w = (key: 'clock_title' | 'clock_measuring' | 'clock_done') => escape(ctx.words.web(lang, key));
    const html = clockHtml
      .replaceAll('{{lang}}', lang)
      .replaceAll('{{token}}', escape(token))
      .replaceAll('{{title}}', w('clock_title'))
      .replaceAll('{{measuring}}', w('clock_measuring'))
      .replaceAll('{{back}}', w('clock_done'));
    sendHtml(res, 200, html);
  }

  route(r, 'GET', '/api/time', ({ res }) => sendJson(res, 200, { now: ctx.reference.now().ms }));
  route(r, 'GET', '/clock', ({ res, url }) => clockPage(res, langOf(url), ''));
  route(r, 'GET', '/c/:token', async ({ res, url, params }) => {
    const token = params.token ?? '';
    const lang = langOf(url);
    const link = TOKEN.test(token) ? await ctx.links.check(token, 'clock', false) : undefined;
    if (!link?.ok) return sendHtml(res, 404, badLinkPage(ctx.words, lang));
    const conv = await ctx.conversations.peek(link.link.conversationId);
    clockPage(res, conv?.lang ?? lang, token);
  });

  async function measured(q: Request, token: string | undefined) {
    const ip = d.ip(q.req);
    if (!d.sameOrigin(q.req)) return refuse(q, CROSS_SITE);
    const json = await readJson(q.req);
    if (!json.ok) return refuse(q, json);
    const body = ClockBody.safeParse(json.value);
    if (!body.success) return refuse(q, { status: 400, error: 'offsetMs and errorMs must be numbers' });
    if (!(await clockPostsPerAddress.allow(ip))) return refuse(q, { status: 429, error: 'too many clock measurements from this address; try again in a few minutes' });
    const link = token === undefined ? undefined : await ctx.links.check(token, 'clock', false);
    if (link && !link.ok) return refuse(q, BAD_LINK);
    let lang: Lang = body.data.lang ?? 'en';
    const m = { offsetMs: body.data.offsetMs, errorMs: body.data.errorMs, atMs: ctx.clock.now() };
    if (link?.ok) {
      const conv = await ctx.conversations.peek(link.link.conversationId);
      if (conv) lang = conv.lang;
      await d.outOfBand(link.link.conversationId, { type: 'device-clock', offsetMs: m.offsetMs, errorMs: m.errorMs }, ip);
    }
    const result = await ctx.checks.clock(m, lang);
    const advice = ctx.words.advice(lang, result.code);
    sendJson(q.res, 200, {
      code: result.code,
      summary: result.summary,
      offsetMs: Math.round(m.offsetMs),
      errorMs: Math.round(m.errorMs),
      measured: ctx.words.web(lang, result.data.reference === 'ntp' ? 'clock_measured_ntp' : 'clock_measured_host', { error: Math.ceil(m.errorMs) }),
      ...(advice ? { advice } : {}),
    });
  }
  route(r, 'POST', '/api/clock', (q) => measured(q, undefined));
  route(r, 'POST', '/api/clock/:token', (q) => (TOKEN.test(q.params.token ?? '') ? measured(q, q.params.token) : refuse(q, BAD_LINK)));
}
