// The phone clock check: the page a clock link opens (/c/TOKEN, or /clock without one), the server's
// time it measures against (/api/time), and the measurement it posts (/api/clock[/TOKEN]), which
// becomes a turn of the linked conversation.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { catalogues, render, type Lang } from '../../../i18n/index.ts';
import { escapeHtml as escape, isJson, langOf, refuse, sendHtml } from '../http.ts';
import { badLinkPage } from '../pages.ts';
import type { WebDeps } from '../web-deps.ts';

const ClockBody = z.object({
  offsetMs: z.number().finite().min(-10 * 365 * 86400_000).max(10 * 365 * 86400_000),
  errorMs: z.number().finite().min(0).max(60_000),
  samples: z.number().int().min(1).max(50).optional(),
  lang: z.enum(['en', 'sv']).optional(),
});

const TOKEN = /^[^/]{1,80}$/;

export function clockRoutes(f: FastifyInstance, d: WebDeps): void {
  const { app } = d;
  const clockPostsPerAddress = app.limits.limiter('web-clock-posts', 30, 10 * 60_000);
  const clockHtml = readFileSync(path.join(import.meta.dirname, '..', 'static', 'clock.html'), 'utf8');

  function clockPage(reply: FastifyReply, lang: Lang, token: string) {
    const w = catalogues[lang].web;
    const html = clockHtml
      .replaceAll('{{lang}}', lang)
      .replaceAll('{{token}}', escape(token))
      .replaceAll('{{title}}', escape(w.clock_title))
      .replaceAll('{{measuring}}', escape(w.clock_measuring))
      .replaceAll('{{back}}', escape(w.clock_done));
    return sendHtml(reply, 200, html);
  }

  f.get('/api/time', async (_req, reply) => reply.send({ now: app.reference.now().ms }));
  f.get('/clock', async (req, reply) => clockPage(reply, langOf(req), ''));
  f.get<{ Params: { token: string } }>('/c/:token', async (req, reply) => {
    const { token } = req.params;
    const lang = langOf(req);
    if (!TOKEN.test(token)) return sendHtml(reply, 404, badLinkPage(lang));
    const link = await app.links.check(token, 'clock', false);
    if (!link.ok) return sendHtml(reply, 404, badLinkPage(lang));
    const conv = await app.runner.peek(link.link.conversationId);
    return clockPage(reply, conv?.lang ?? lang, token);
  });

  async function measured(req: FastifyRequest, reply: FastifyReply, token: string | undefined) {
    const ip = d.ip(req);
    if (!d.sameOrigin(req, reply)) return reply;
    if (!isJson(req)) return refuse(reply, 415, 'send application/json');
    const body = ClockBody.safeParse(req.body);
    if (!body.success) return refuse(reply, 400, 'offsetMs and errorMs must be numbers');
    if (!(await clockPostsPerAddress.allow(ip))) return refuse(reply, 429, 'too many clock measurements from this address; try again in a few minutes');
    const link = token === undefined ? undefined : await app.links.check(token, 'clock', false);
    if (link && !link.ok) return refuse(reply, 404, 'this clock link is not valid any more');
    let lang: Lang = body.data.lang ?? 'en';
    const m = { offsetMs: body.data.offsetMs, errorMs: body.data.errorMs, atMs: app.clock.now() };
    if (link?.ok) {
      const conv = await app.runner.peek(link.link.conversationId);
      if (conv) lang = conv.lang;
      await d.outOfBand(link.link.conversationId, { type: 'device-clock', offsetMs: m.offsetMs, errorMs: m.errorMs }, ip);
    }
    const { result } = await app.checks.run('clock', { lang, deviceMeasured: m });
    const advice = catalogues[lang].advice[result.code];
    const words = catalogues[lang].web;
    return reply.send({
      code: result.code,
      summary: result.summary,
      offsetMs: Math.round(m.offsetMs),
      errorMs: Math.round(m.errorMs),
      measured: render(result.data.reference === 'ntp' ? words.clock_measured_ntp : words.clock_measured_host, { error: Math.ceil(m.errorMs) }),
      ...(advice ? { advice: render(advice, { ...app.words }) } : {}),
    });
  }
  f.post('/api/clock', async (req, reply) => measured(req, reply, undefined));
  f.post<{ Params: { token: string } }>('/api/clock/:token', async (req, reply) => (TOKEN.test(req.params.token) ? measured(req, reply, req.params.token) : refuse(reply, 404, 'this clock link is not valid any more')));
}
