// POST /api/chat: one turn of the page's conversation. A request without a session starts one.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EngineEvent } from '../../../engine/transition.ts';
import { sessionEpoch } from '../../../engine/session-epoch.ts';
import { isJson, refuse } from '../http.ts';
import { conversationOf, type WebDeps } from '../web-deps.ts';

const ChatBody = z.object({
  event: z.discriminatedUnion('type', [
    z.object({ type: z.literal('start') }),
    z.object({ type: z.literal('resume') }),
    z.object({ type: z.literal('repeat') }),
    z.object({ type: z.literal('text'), text: z.string().max(20_000) }),
    z.object({ type: z.literal('choice'), id: z.string().max(64) }),
  ]),
  lang: z.enum(['en', 'sv']).optional(),
});

export function chatRoute(f: FastifyInstance, d: WebDeps): void {
  const { app } = d;
  const turnsPerSession = app.limits.limiter('web-turns', 60, 60_000);
  f.post('/api/chat', async (req, reply) => {
    const ip = d.ip(req);
    if (!d.sameOrigin(req, reply)) return reply;
    if (!isJson(req)) return refuse(reply, 415, 'send application/json');
    const body = ChatBody.safeParse(req.body);
    if (!body.success) return refuse(reply, 400, z.prettifyError(body.error).split('\n')[0] ?? 'bad request');
    // One address may start only so many conversations.
    const current = await d.sessionOf(req, reply, ip);
    if (!current) return reply;
    const { session } = current;
    if (!(await turnsPerSession.allow(session.id))) return refuse(reply, 429, 'too many messages; wait a minute');
    const id = conversationOf(session.id);
    const result = await app.runner.turn(id, body.data.event as EngineEvent, {
      channel: 'web',
      requireProof: true,
      subject: { ip },
      origin: ip,
      ...(body.data.lang ? { lang: body.data.lang } : {}),
    });
    // Anything that arrived out of band before this turn comes first.
    const pending = await app.outbox.take(id);
    const replies = [...pending, ...(await d.toWeb(id, result.replies, result.snapshot.lang))];
    // Proved or handed over in this turn: this page gets the session's new cookie, any copy is dead.
    const epoch = sessionEpoch(result.snapshot);
    d.sessions.set(reply, epoch !== session.epoch ? d.sessions.value(session.id, epoch) : session.setCookie);
    return reply.send({ replies, conversation: { status: result.snapshot.status, lang: result.snapshot.lang } });
  });
}
