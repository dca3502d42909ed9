// Liveness and readiness apart: /livez fails for nothing the process depends on; /readyz fails when
// this replica cannot serve (its store, its web channel) and only notes a platform that cannot be
// reached or a Redis fallen back from; /healthz keeps its old meaning. The public port answers the
// status alone; the detail goes to a bearer of METRICS_TOKEN and to the metrics listener.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelContext } from '../../src/app/channel-context.ts';
import { startMetricsServer } from '../../src/adapters/metrics-server.ts';
import { startWebServer, type WebServer } from '../../src/channels/web/server.ts';
import { webSettings } from '../../src/channels/web/settings.ts';
import { webChannel } from '../../src/channels/web/index.ts';
import type { ConnectionStatus } from '../../src/channels/shared/connection.ts';
import { isProbePath, probe } from '../../src/channels/shared/probes.ts';
import { PROBE_TOKEN, probeDetail, startWebApp, type WebApp } from '../helpers/web.ts';

let w: WebApp;
let web: WebServer;
let url: string;
/** The other channels of this replica, as the web channel's peers report them. */
let platforms: Record<string, ConnectionStatus> = {};
let redis: 'up' | 'fallen-back' | 'off' = 'off';

beforeAll(async () => {
  w = await startWebApp({ CHANNEL_GRACE_SECONDS: '1' });
  const ctx = channelContext(w.app, { routes: () => [], statuses: () => platforms }, webChannel.name);
  ctx.health = { ...ctx.health, redis: () => redis };
  web = await startWebServer(ctx, webSettings.parse(w.app.config));
  url = web.url;
});
afterAll(async () => {
  await web.close();
  await w.close();
});

const status = async (path: string) => (await fetch(`${url}${path}`)).status;
const longAgo = Date.now() - 60_000;

describe('the probes on the public port', () => {
  it('all answer 200 on a healthy replica, with the status alone', async () => {
    for (const path of ['/livez', '/readyz', '/healthz']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    }
  });

  it('give the detail only to a bearer of METRICS_TOKEN', async () => {
    const wrong = await fetch(`${url}/readyz`, { headers: { authorization: 'Bearer not-the-token-0123456789' } });
    expect(await wrong.json()).toEqual({ ok: true });
    const { body } = await probeDetail(url, '/readyz');
    expect(body).toMatchObject({ ok: true, store: 'ok', redis: 'off', channels: { web: { state: 'up' } } });
  });

  it('a platform unreachable past its grace: /healthz 503 as always, /readyz 200 degraded, /livez 200', async () => {
    platforms = { discord: { state: 'down', since: longAgo, attempts: 4 } };
    try {
      expect(await status('/livez')).toBe(200);
      expect(await probeDetail(url, '/readyz')).toMatchObject({ status: 200, body: { ok: true, degraded: ['discord'] } });
      expect(await probeDetail(url, '/healthz')).toMatchObject({ status: 503, body: { ok: false, failing: ['discord'] } });
      // Within its grace (connecting since just now) it is nothing yet.
      platforms = { discord: { state: 'connecting', since: Date.now(), attempts: 1 } };
      expect(await status('/healthz')).toBe(200);
      // Held by another replica: fine everywhere.
      platforms = { discord: { state: 'standby', since: longAgo, attempts: 0 } };
      expect((await probeDetail(url, '/readyz')).body.degraded).toBeUndefined();
    } finally {
      platforms = {};
    }
  });

  it('a Redis fallen back from leaves the replica ready and healthy, and says so in the detail', async () => {
    redis = 'fallen-back';
    try {
      expect(await probeDetail(url, '/readyz')).toMatchObject({ status: 200, body: { ok: true, redis: 'fallen-back', degraded: ['redis'] } });
      expect(await status('/healthz')).toBe(200);
      expect(await status('/livez')).toBe(200);
    } finally {
      redis = 'off';
    }
  });

  it('a store that takes no writes fails readiness and health, never liveness', async () => {
    const lost = await startWebApp({});
    try {
      await lost.app.store.close();
      expect((await fetch(`${lost.url}/livez`)).status).toBe(200);
      expect(await probeDetail(lost.url, '/readyz')).toMatchObject({ status: 503, body: { ok: false, failing: ['store'], store: 'failing' } });
      expect((await fetch(`${lost.url}/healthz`)).status).toBe(503);
    } finally {
      await lost.close();
    }
  });
});

describe('the probes on the metrics listener', () => {
  it('answer with the detail, behind the metrics token like /metrics', async () => {
    const input = () => ({ channels: { web: web.status(), ...platforms }, health: channelContext(w.app).health, graceMs: 1000, log: w.log, reference: () => 'host' });
    const m = await startMetricsServer({ host: '127.0.0.1', port: 0, token: PROBE_TOKEN, render: () => w.app.metrics.render(), probe: (path) => (isProbePath(path) ? () => probe(path, input()) : undefined) });
    try {
      expect((await fetch(`${m.url}/readyz`)).status).toBe(401);
      const res = await fetch(`${m.url}/readyz`, { headers: { authorization: `Bearer ${PROBE_TOKEN}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, store: 'ok', channels: { web: { state: 'up' } }, reference: 'host' });
      expect((await fetch(`${m.url}/livez`, { headers: { authorization: `Bearer ${PROBE_TOKEN}` } })).status).toBe(200);
      expect((await fetch(`${m.url}/nothing`, { headers: { authorization: `Bearer ${PROBE_TOKEN}` } })).status).toBe(404);
    } finally {
      await m.close();
    }
  });
});
