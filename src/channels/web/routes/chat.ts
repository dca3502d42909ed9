// POST /api/chat: one turn of the page's conversation. A request without a session starts one.
import { z } from 'zod';
import { Lang } from '../../../ports/lang.ts';
import { readJson, refuse, route, sendJson, type Routes } from '../http.ts';
import { conversationOf, CROSS_SITE, type WebDeps } from '../web-deps.ts';
import type { TurnProgress } from './progress.ts';

const ChatBody = z.object({
  event: z.discriminatedUnion('type', [
    z.object({ type: z.literal('start') }),
    z.object({ type: z.literal('resume') }),
    z.object({ type: z.literal('repeat') }),
    z.object({ type: z.literal('text'), text: z.string().max(20_000) }),
    z.object({ type: z.literal('choice'), id: z.string().max(64) }),
  ]),
  lang: Lang.optional(),
});

/** `progress` hears what the turn is doing, for the page's indicator (GET /api/chat/progress). */
export function chatRoute(r: Routes, d: WebDeps, progress: TurnProgress): void {
  const { ctx } = d;
  const turnsPerSession = ctx.limits.limiter('web-turns', 60, 60_000);
  route(r, 'POST', '/api/chat', async (q) => {
    const ip = d.ip(q.req);
    if (!d.sameOrigin(q.req)) return refuse(q, CROSS_SITE);
    const json = await readJson(q.req);
    if (!json.ok) return refuse(q, json);
    const body = ChatBody.safeParse(json.value);
    if (!body.success) return refuse(q, { status: 400, error: z.prettifyError(body.error).split('\n')[0] ?? 'bad request' });
    // One address may start only so many conversations.
    const current = await d.sessionOf(q.req, ip);
    if (!current.ok) return refuse(q, current);
    const { session } = current;
    if (!(await turnsPerSession.allow(session.id))) return refuse(q, { status: 429, error: 'too many messages; wait a minute' });
    const id = conversationOf(session.id);
    const result = await ctx.conversations
      .turn(id, body.data.event, {
        channel: 'web',
        requireProof: true,
        subject: { ip },
        origin: ip,
        onProgress: (text) => progress.say(id, text),
        ...(body.data.lang ? { lang: body.data.lang } : {}),
      })
      .finally(() => progress.end(id));
    // A person who writes is on the page: a staff reply or a notice may come here, not by mail.
    await ctx.outbox.touch(id, ctx.clock.now());
    // Anything that arrived out of band before this turn comes first.
    const pending = await ctx.outbox.take(id);
    const { conversation } = result;
    const replies = [...pending, ...(await d.toWeb(id, result.replies, conversation.lang))];
    // Proved or handed over in this turn: this page gets the session's new cookie, any copy is dead.
    const cookie = d.sessions.header(conversation.epoch !== session.epoch ? d.sessions.value(session.id, conversation.epoch) : session.setCookie);
    sendJson(q.res, 200, { replies, conversation: { status: conversation.status, lang: conversation.lang } }, cookie);
  });
}
