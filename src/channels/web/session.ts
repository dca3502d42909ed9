// The web page's session: a random id in an HttpOnly cookie, signed so it cannot be chosen by a
// third party, and a form token derived from it. The cookie also names the conversation's session
// epoch, which a proof of identity or a hand-over raises: the page that took part gets a new cookie,
// and one planted or copied before (session fixation) no longer finds the conversation.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseCookies } from './http.ts';

/** `__Host-` only where it is valid (Secure, Path=/, no Domain): an https PUBLIC_URL. */
const COOKIE = 'hd_sid';
const HOST_COOKIE = `__Host-${COOKIE}`;

export interface WebSession {
  id: string;
  epoch: number;
  /** Set for a new session: the cookie to send. */
  setCookie?: string;
}

export class Sessions {
  private readonly name: string;

  constructor(
    private readonly secret: string,
    private readonly secure: boolean,
  ) {
    this.name = secure ? HOST_COOKIE : COOKIE;
  }

  private sign(id: string, purpose: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}:${id}`).digest('base64url').slice(0, 22);
  }

  /** The session of this request, or a new one with the cookie that sets it. */
  get(req: IncomingMessage): WebSession {
    const raw = parseCookies(req)[this.name];
    const m = raw && /^([A-Za-z0-9_-]{22})(?:\.(\d{1,6}))?\.([A-Za-z0-9_-]{22})$/.exec(raw);
    if (m?.[1] && m[3]) {
      const epoch = Number(m[2] ?? 0);
      // Epoch 0 is signed as the cookies before epochs were, so those sessions go on.
      if (safeEqual(m[3], this.sign(epoch ? `${m[1]}.${epoch}` : m[1], 'session'))) return { id: m[1], epoch };
    }
    return this.fresh();
  }

  /** A new session, unrelated to any cookie the request brought. */
  fresh(): WebSession {
    const id = randomBytes(16).toString('base64url');
    return { id, epoch: 0, setCookie: this.cookie(id, 0) };
  }

  /** The cookie for `id` at `epoch`. */
  cookie(id: string, epoch: number): string {
    const value = epoch ? `${id}.${epoch}.${this.sign(`${id}.${epoch}`, 'session')}` : `${id}.${this.sign(id, 'session')}`;
    const attrs = ['Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${7 * 24 * 3600}`, ...(this.secure ? ['Secure'] : [])];
    return `${this.name}=${value}; ${attrs.join('; ')}`;
  }

  formToken(session: WebSession): string {
    return this.sign(`${session.id}.${session.epoch}`, 'form');
  }

  checkFormToken(session: WebSession, token: unknown): boolean {
    return typeof token === 'string' && safeEqual(token, this.formToken(session));
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
