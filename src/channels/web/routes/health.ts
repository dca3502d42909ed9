// GET /livez, /readyz and /healthz (what each means: ../../shared/probes.ts). The public port answers
// the status alone; the detail (channel states, the ticket queue, Redis) goes to a request bearing
// METRICS_TOKEN, and is always on the metrics listener.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ConnectionStatus } from '../../shared/connection.ts';
import { PROBE_PATHS, probe } from '../../shared/probes.ts';
import { route, sendJson, type Routes } from '../http.ts';
import type { WebDeps } from '../web-deps.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether the request bears the metrics token (none configured: nobody does). */
function bearsToken(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return false;
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/**
 * `own`: this server's state (up since it listens), the `web` entry when ctx.peers reports no web
 * channel (the server run alone, as in tests); under `serve` the peers' statuses hold every channel,
 * the web one too, and theirs wins.
 */
export function healthRoute(r: Routes, d: WebDeps, own: () => ConnectionStatus): void {
  const { ctx } = d;
  for (const path of PROBE_PATHS) {
    route(r, 'GET', path, async ({ req, res }) => {
      const answer = await probe(path, {
        channels: { web: own(), ...ctx.peers.statuses() },
        health: ctx.health,
        graceMs: d.settings.channelGraceMs,
        log: ctx.log,
        reference: () => ctx.reference.now().reference,
      });
      const detail = bearsToken(req, d.settings.detailToken);
      sendJson(res, answer.status, detail ? answer.detail : { ok: answer.detail.ok }, { 'cache-control': 'no-store' });
    });
  }
}
