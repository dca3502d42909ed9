// The centre's import job says a token is active (Enrollment API v1, optional): POST
// /hooks/token-activated, signed like Slack's requests — `X-Signature: sha256=<HMAC of
// "<X-Timestamp>.<raw body>">` — and refused when stale or replayed. It only makes that user's watches
// due now; the enrollment API still decides. Served on the web port as a route, read raw, because
// the signature covers the exact bytes.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../ports/logger.ts';
import type { SeenEvents } from '../ports/store.ts';
import type { Clock } from '../ports/time.ts';

/** An HTTP route the web port mounts as it is (the same shape as a channel's `ChannelRoute`). */
export interface HookRoute {
  method: 'POST';
  path: string;
  /** Gets the request unread: the signature covers the raw body. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface TokenActivatedDeps {
  /** HOOK_SECRET; without it the hook is not served (404). */
  secret: string | undefined;
  clock: Clock;
  seen: SeenEvents;
  /** Makes the user's open watches due now; how many there were. */
  wake(user: string): Promise<number>;
  log: Logger;
}

const HookBody = z.object({ user: z.string().min(1).max(190), tokenId: z.string().max(200).optional() });
/** The body is a user name and a token id: anything longer is not the import job. */
const MAX_BODY_BYTES = 16 * 1024;
/** How far the timestamp may be from our clock, either way. */
const FRESH_S = 300;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers }).end(text);
}

/** The raw body, or undefined (413 sent, the rest dropped) when it is larger than the limit. */
function readRaw(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES ? MAX_BODY_BYTES + 1 : 0;
    const tooLarge = () => {
      req.off('data', onData);
      req.resume();
      json(res, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
      resolve(undefined);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return tooLarge();
      chunks.push(chunk);
    };
    if (size) return tooLarge();
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

export function tokenActivatedRoutes(d: TokenActivatedDeps): HookRoute[] {
  const secret = d.secret;
  if (!secret) return [];
  return [
    {
      method: 'POST',
      path: '/hooks/token-activated',
      async handle(req, res) {
        const raw = await readRaw(req, res);
        if (raw === undefined) return;
        const ts = String(req.headers['x-timestamp'] ?? '');
        const sig = String(req.headers['x-signature'] ?? '');
        const now = d.clock.now();
        const fresh = /^\d{1,12}$/.test(ts) && Math.abs(now / 1000 - Number(ts)) <= FRESH_S;
        const want = `sha256=${createHmac('sha256', secret).update(`${ts}.${raw}`).digest('hex')}`;
        const valid = fresh && sig.length === want.length && timingSafeEqual(Buffer.from(sig), Buffer.from(want));
        // A valid request seen before is a replay: each signature is accepted once.
        if (!valid || !(await d.seen.markSeen(`hook:${sig}`, now))) return json(res, 401, { error: 'bad, stale or replayed signature' });
        const body = HookBody.safeParse(parse(raw));
        if (!body.success) return json(res, 400, { error: 'expected { "user": "...", "tokenId": "..." }' });
        const woken = await d.wake(body.data.user);
        d.log.info('token-activated hook', { watches: woken });
        res.writeHead(204).end();
      },
    },
  ];
}
