// The web page's session: a random id in an HttpOnly cookie, signed so it cannot be chosen by a
// third party, and a form token derived from it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseCookies } from './http.ts';

const COOKIE = 'hd_sid';

export class Sessions {
  constructor(
    private readonly secret: string,
    private readonly secure: boolean,
  ) {}

  private sign(id: string, purpose: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}:${id}`).digest('base64url').slice(0, 22);
  }

  /** The session of this request, or a new one with the cookie that sets it. */
  get(req: IncomingMessage): { id: string; setCookie?: string } {
    const raw = parseCookies(req)[COOKIE];
    const m = raw && /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/.exec(raw);
    if (m?.[1] && m[2] && safeEqual(m[2], this.sign(m[1], 'session'))) return { id: m[1] };
    const id = randomBytes(16).toString('base64url');
    const attrs = ['Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${7 * 24 * 3600}`, ...(this.secure ? ['Secure'] : [])];
    return { id, setCookie: `${COOKIE}=${id}.${this.sign(id, 'session')}; ${attrs.join('; ')}` };
  }

  formToken(sessionId: string): string {
    return this.sign(sessionId, 'form');
  }

  checkFormToken(sessionId: string, token: unknown): boolean {
    return typeof token === 'string' && safeEqual(token, this.formToken(sessionId));
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
