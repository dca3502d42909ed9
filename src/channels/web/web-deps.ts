// What the web channel's routes share: the session cookie and the conversation it names, the
// client's address, the same-origin rule, the limits shared by every replica, and the rendering of
// replies for the browser. Built once per server; each route file takes what it needs.
import type { IncomingMessage } from 'node:http';
import { HelpdeskError } from '../../errors.ts';
import type { ChannelContext } from '../context.ts';
import type { Lang } from '../../ports/lang.ts';
import type { ChatEvent, ConversationView, Reply } from '../../ports/conversations.ts';
import { clientAddress, trustedList } from './client-ip.ts';
import type { Refusal } from './http.ts';
import { webReplies, type ToWeb } from './replies.ts';
import { Sessions, type WebSession } from './session.ts';
import type { WebSettings } from './settings.ts';

export interface SessionAndConversation {
  ok: true;
  session: WebSession;
  conversation?: ConversationView;
  stale?: true;
}

export interface WebDeps {
  ctx: ChannelContext;
  settings: WebSettings;
  sessions: Sessions;
  toWeb: ToWeb;
  ip(req: IncomingMessage): string;
  sameOrigin(req: IncomingMessage): boolean;
  /** The session and its conversation, or a refusal when the address may start no more (429). */
  sessionOf(req: IncomingMessage, ip: string): Promise<SessionAndConversation | Refusal>;
  responseTime(lang: Lang): string;
  /** A turn that did not come from the chat page itself (a phone): its replies wait for the page. */
  outOfBand(conversationId: string, event: ChatEvent, ip: string): Promise<Reply[]>;
}

export const conversationOf = (sessionId: string) => `web:${sessionId}`;
export const CROSS_SITE: Omit<Refusal, 'ok'> = { status: 403, error: 'cross-site request' };

export function createWebDeps(ctx: ChannelContext, settings: WebSettings): WebDeps {
  if (!ctx.signingKey) throw new HelpdeskError('internal', 'the web channel signs its session cookie: its context needs a signing key (its plugin says signs: true)');
  const sessions = new Sessions(ctx.signingKey, settings.publicUrl.startsWith('https:'));
  // Shared by every replica (Redis or PostgreSQL) when there are several.
  const newConversationsPerAddress = ctx.limits.limiter('web-new-conversations', settings.newConversationsPerAddress, 10 * 60_000);
  const ownOrigin = new URL(settings.publicUrl).origin;
  const trusted = trustedList(settings.trustedProxies);
  return {
    ctx,
    settings,
    sessions,
    toWeb: webReplies(ctx),
    ip: (req) => clientAddress(req, trusted),
    sameOrigin(req) {
      const origin = req.headers.origin;
      if (!origin) return true; // same-origin GETs and non-browser clients send none; JSON content type blocks simple cross-site posts
      const host = req.headers.host;
      return origin === ownOrigin || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
    },
    /**
     * A cookie from before the conversation's last proof or hand-over (a planted one) finds nothing:
     * `stale`. A new session is a new conversation, so it counts against the address's limit on new
     * conversations, whichever request hands it out.
     */
    async sessionOf(req, ip) {
      let session = sessions.get(req);
      let stale: true | undefined;
      if (!session.setCookie) {
        const conversation = await ctx.conversations.peek(conversationOf(session.id));
        if (!conversation || conversation.epoch === session.epoch) return { ok: true, session, ...(conversation ? { conversation } : {}) };
        session = sessions.fresh();
        stale = true;
      }
      if (!(await newConversationsPerAddress.allow(ip))) return { ok: false, status: 429, error: 'too many new conversations from this address; try again in a few minutes' };
      return { ok: true, session, ...(stale ? { stale } : {}) };
    },
    responseTime: (lang) => ctx.words.responseTime(settings.supportResponseTime, lang),
    async outOfBand(conversationId, event, ip) {
      // The phone's address is not the person's login address: only the chat's own turns set the subject.
      const r = await ctx.conversations.turn(conversationId, event, { channel: 'link', requireProof: true, origin: ip });
      await ctx.delivery.deliver(conversationId, r.replies);
      return r.replies;
    },
  };
}
