// What the web channel's routes share: the session cookie and the conversation it names, the
// client's address, the same-origin rule, the limits shared by every replica, and the rendering of
// replies for the browser. Built once per server; each route file takes what it needs.
import type { IncomingMessage } from 'node:http';
import type { WebContext as ChannelContext } from './web-context.ts';
import type { Reply } from '../../engine/replies.ts';
import type { EngineEvent } from '../../engine/transition.ts';
import { sessionEpoch } from '../../engine/session-epoch.ts';
import type { Snapshot } from '../../engine/snapshot.ts';
import type { Lang } from '../../i18n/index.ts';
import { responseTime } from '../../i18n/response-time.ts';
import { clientAddress } from './client-ip.ts';
import type { Refusal } from './http.ts';
import { webReplies, type ToWeb } from './replies.ts';
import { Sessions, type WebSession } from './session.ts';

export interface SessionAndConversation {
  ok: true;
  session: WebSession;
  snapshot?: Snapshot;
  stale?: true;
}

export interface WebDeps {
  app: ChannelContext;
  sessions: Sessions;
  toWeb: ToWeb;
  ip(req: IncomingMessage): string;
  sameOrigin(req: IncomingMessage): boolean;
  /** The session and its conversation, or a refusal when the address may start no more (429). */
  sessionOf(req: IncomingMessage, ip: string): Promise<SessionAndConversation | Refusal>;
  responseTime(lang: Lang): string;
  /** A turn that did not come from the chat page itself (a phone): its replies wait for the page. */
  outOfBand(conversationId: string, event: EngineEvent, ip: string): Promise<Reply[]>;
}

export const conversationOf = (sessionId: string) => `web:${sessionId}`;
export const CROSS_SITE: Omit<Refusal, 'ok'> = { status: 403, error: 'cross-site request' };

export function createWebDeps(app: ChannelContext): WebDeps {
  const cfg = app.config;
  const sessions = new Sessions(app.secret, cfg.PUBLIC_URL.startsWith('https:'));
  // Shared by every replica (Redis or PostgreSQL) when there are several.
  const newConversationsPerAddress = app.limits.limiter('web-new-conversations', cfg.NEW_CONVERSATIONS_PER_ADDRESS, 10 * 60_000);
  const ownOrigin = new URL(cfg.PUBLIC_URL).origin;
  return {
    app,
    sessions,
    toWeb: webReplies(app),
    ip: (req) => clientAddress(req, cfg.TRUSTED_PROXIES),
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
        const snapshot = await app.runner.peek(conversationOf(session.id));
        if (!snapshot || sessionEpoch(snapshot) === session.epoch) return { ok: true, session, ...(snapshot ? { snapshot } : {}) };
        session = sessions.fresh();
        stale = true;
      }
      if (!(await newConversationsPerAddress.allow(ip))) return { ok: false, status: 429, error: 'too many new conversations from this address; try again in a few minutes' };
      return { ok: true, session, ...(stale ? { stale } : {}) };
    },
    responseTime: (lang) => responseTime(cfg.SUPPORT_RESPONSE_TIME, lang),
    async outOfBand(conversationId, event, ip) {
      // The phone's address is not the person's login address: only the chat's own turns set the subject.
      const r = await app.runner.turn(conversationId, event, { channel: 'link', requireProof: true, origin: ip });
      await app.outOfBand.deliver(conversationId, r.replies);
      return r.replies;
    },
  };
}
