// The web page's session: a random id in an HttpOnly cookie, signed so it cannot be chosen by a
// third party, and a form token derived from it. The cookie also names the conversation's session
// epoch, which a proof of identity or a hand-over raises: the page that took part gets a new cookie,
// and one planted or copied before (session fixation) no longer finds the conversation.
// The `cookie` package reads and writes the header; the value is signed here, because the signature
// covers the epoch and must stay valid for the cookies already handed out.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { IncomingMessage } from 'node:http';

/** `__Host-` only where it is valid (Secure, Path=/, no Domain): an https PUBLIC_URL. */
const COOKIE = 'hd_sid';
const HOST_COOKIE = `__Host-${COOKIE}`;
const MAX_AGE_S = 7 * 24 * 3600;

export interface WebSession {
  id: string;
  epoch: number;
  /** Set for a new session: the cookie's value to send. */
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
    const raw = req.headers.cookie ? parseCookie(req.headers.cookie)[this.name] : undefined;
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
    return { id, epoch: 0, setCookie: this.value(id, 0) };
  }

  /** The cookie's value for `id` at `epoch`. */
  value(id: string, epoch: number): string {
    return epoch ? `${id}.${epoch}.${this.sign(`${id}.${epoch}`, 'session')}` : `${id}.${this.sign(id, 'session')}`;
  }

  /** The header that sets the cookie to this value (a new session's, or one at a new epoch); none for none. */
  header(value: string | undefined): Record<string, string> {
    if (value === undefined) return {};
    return { 'set-cookie': stringifySetCookie({ name: this.name, value, path: '/', httpOnly: true, sameSite: 'lax', maxAge: MAX_AGE_S, secure: this.secure }) };
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
