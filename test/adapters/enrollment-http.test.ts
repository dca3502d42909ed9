// The Enrollment API client against real HTTP servers on loopback: the demo backend, and upstreams
// that are slow, failing or malformed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DemoEnrollmentBackend } from '../../src/adapters/demo-enrollment.ts';
import { HttpEnrollment } from '../../src/adapters/enrollment-http.ts';
import { UpstreamGuard } from '../../src/adapters/limits.ts';
import { accountCheck } from '../../src/checks/account.ts';
import { tokenCheck } from '../../src/checks/token.ts';
import { systemClock } from '../../src/ports/time.ts';
import { makeDeps, recordingLogger } from '../helpers/fakes.ts';
import { json, startHttpServer, type HttpPeer } from '../peers/http-server.ts';

function client(baseUrl: string, options: { token?: string; timeoutMs?: number; retries?: number; cacheMs?: number; budgetMs?: number; observe?: (route: string, ms: number, outcome: string) => void } = {}) {
  const log = recordingLogger();
  const guard = new UpstreamGuard({ maxConcurrent: 4, minTimeMs: 0, timeoutMs: 30_000, cacheTtlMs: options.cacheMs ?? 0, clock: systemClock });
  const http = new HttpEnrollment({
    baseUrl,
    token: options.token ?? 't0k',
    guard,
    attemptTimeoutMs: options.timeoutMs ?? 300,
    retries: options.retries ?? 2,
    backoffMs: 10,
    log,
    ...(options.budgetMs ? { budgetMs: options.budgetMs } : {}),
    ...(options.observe ? { observe: options.observe } : {}),
  });
  return { http, log, guard };
}

describe('enrollment client against misbehaving upstreams', () => {
  let peer: HttpPeer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  it('a 500 is unavailable after retries with backoff, and logged with the reason', async () => {
    peer = await startHttpServer((_req, res) => json(res, 500, { error: 'boom' }));
    // A generous attempt limit: on a busy machine a 300 ms attempt can time out before it is even sent.
    const { http, log } = client(peer.url, { timeoutMs: 5000 });
    const r = await http.getAccount('alice');
    expect(r).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(peer.requests).toHaveLength(3);
    expect(log.lines.some((l) => l.level === 'warn' && String(l.fields?.detail).includes('HTTP 500'))).toBe(true);
  });

  it('retries never take a call past its time budget, whatever the attempts and backoff add up to', async () => {
    peer = await startHttpServer(() => {
      /* never answers */
    });
    // Five retries of 1 s each would take 6 s; the budget is 1.5 s.
    const { http } = client(peer.url, { timeoutMs: 1000, retries: 5, budgetMs: 1500 });
    const started = performance.now();
    const r = await http.getAccount('alice');
    const took = performance.now() - started;
    expect(r).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(took).toBeLessThan(1500 + 1000);
    // The second attempt got only what was left of the budget; no third one started.
    expect(peer.requests.length).toBeLessThanOrEqual(2);
  });

  it('the last attempt gets what is left of the budget and is really sent (a fractional time limit once threw instead)', async () => {
    peer = await startHttpServer(() => {
      /* never answers */
    });
    const { http, log } = client(peer.url, { timeoutMs: 1000, retries: 1, budgetMs: 1500 });
    const r = await http.getAccount('alice');
    expect(r).toMatchObject({ ok: false, reason: 'unavailable' });
    const said = JSON.stringify([r, log.lines]);
    expect(said).not.toMatch(/out of range|ERR_/);
    await expect.poll(() => peer?.requests.length, { timeout: 5000 }).toBe(2);
  });

  it('an endless or oversized answer is cut off and unavailable, never buffered', async () => {
    let sentBytes = 0;
    let closed = 0;
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    peer = await startHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"username":"alice","email":"a@x","status":"active","pad":"');
      const pump = () => {
        while (!res.destroyed && sentBytes < 400 * 1024 * 1024 && res.write(chunk)) sentBytes += chunk.length;
      };
      res.on('drain', pump);
      res.on('close', () => closed++);
      req.socket.on('close', () => res.destroy());
      pump();
    });
    const { http, log } = client(peer.url, { retries: 0, timeoutMs: 4000 });
    const r = await http.getAccount('alice');
    expect(r).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(r.ok ? '' : r.detail).toMatch(/larger than 262144 bytes/);
    expect(log.lines.some((l) => l.level === 'warn' && /larger than/.test(String(l.fields?.detail)))).toBe(true);
    await expect.poll(() => closed).toBeGreaterThan(0);
    expect(sentBytes).toBeLessThan(100 * 1024 * 1024);
  });

  it('malformed JSON and a wrong shape are unavailable, never a crash', async () => {
    let body = '{not json';
    peer = await startHttpServer((_req, res) => json(res, 200, body));
    const { http, log } = client(peer.url);
    const bad = await http.getAccount('alice');
    expect(bad).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(bad.ok ? '' : bad.detail).toBe('account: bad JSON (HTTP 200)');
    expect(log.lines.at(-1)?.fields?.code).toBe('upstream.malformed');
    body = JSON.stringify({ username: 'alice', status: 'sleeping' });
    const wrong = await http.getAccount('alice');
    expect(wrong).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(wrong.ok ? '' : wrong.detail).toContain('malformed');
    body = JSON.stringify({ tokens: [{ id: 'x', type: 'totp', state: 'active', registeredAt: 'yesterday' }] });
    expect(await http.listTokens('alice')).toMatchObject({ ok: false, reason: 'unavailable' });
  });

  it('a slow upstream times out per attempt; the check reports it as unavailable', async () => {
    peer = await startHttpServer((_req, res) => {
      setTimeout(() => json(res, 200, { username: 'alice', email: 'a@x', status: 'active' }), 2000);
    });
    const { http } = client(peer.url, { timeoutMs: 200, retries: 1 });
    const started = performance.now();
    const deps = makeDeps({ accounts: http, tokens: http });
    const { result } = await accountCheck(deps, { user: 'alice', lang: 'en' });
    expect(result.code).toBe('account.unavailable');
    expect(performance.now() - started).toBeLessThan(1500);
    const token = await tokenCheck(deps, { user: 'alice', lang: 'en' });
    expect(token.result.code).toBe('token.unavailable');
  });

  it('never retries a code verification', async () => {
    peer = await startHttpServer((_req, res) => json(res, 503, {}));
    const { http } = client(peer.url);
    expect(await http.verifyCode('alice', '123456', 2)).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(peer.requests).toHaveLength(1);
  });

  it('404 and 501 on verify mean "not supported"', async () => {
    let status = 404;
    peer = await startHttpServer((_req, res) => json(res, status, {}));
    const { http } = client(peer.url);
    expect(await http.verifyCode('alice', '123456', 2)).toMatchObject({ ok: false, reason: 'not-found' });
    status = 501;
    expect(await http.verifyCode('alice', '123456', 2)).toMatchObject({ ok: false, reason: 'unsupported' });
  });

  it('sends the bearer token and escapes the username in the path', async () => {
    peer = await startHttpServer((_req, res) => json(res, 404, {}));
    const { http } = client(peer.url, { token: 's3cret' });
    await http.getAccount('../admin?x=1');
    expect(peer.requests[0]?.auth).toBe('Bearer s3cret');
    expect(peer.requests[0]?.path).toBe('/v1/accounts/..%2Fadmin%3Fx%3D1');
  });
});

describe('enrollment client against the demo backend', () => {
  const demo = new DemoEnrollmentBackend({ clock: systemClock });
  beforeAll(() => demo.start());
  afterAll(() => demo.stop());

  it('rejects a wrong bearer token', async () => {
    const { http } = client(demo.url, { token: 'wrong', retries: 0 });
    expect(await http.getAccount('alice')).toMatchObject({ ok: false, reason: 'unavailable' });
  });

  it('shares identical requests in flight and caches answers briefly', async () => {
    const { http, guard } = client(demo.url, { token: demo.token, cacheMs: 10_000 });
    const before = demo.totalRequests();
    const results = await Promise.all(Array.from({ length: 50 }, () => http.getAccount('alice')));
    expect(results.every((r) => r.ok)).toBe(true);
    await http.getAccount('alice');
    expect(demo.totalRequests() - before).toBe(1);
    expect(guard.stats.shared + guard.stats.cacheHits).toBe(50);
  });

  it('the metric labels of a lookup are the same whether the account exists or not', async () => {
    const labels = (name: string) => {
      const seen: string[] = [];
      const { http } = client(demo.url, { token: demo.token, observe: (route, _ms, outcome) => seen.push(`${route}/${outcome}`) });
      return Promise.all([http.getAccount(name), http.listTokens(name)]).then(() => seen.sort());
    };
    const existing = await labels('alice');
    expect(existing).toEqual(['account/answered', 'tokens/answered']);
    expect(await labels('no-such-person')).toEqual(existing);
  });

  it('does not cache failures', async () => {
    const { http } = client(demo.url, { token: 'wrong', retries: 0, cacheMs: 10_000 });
    const before = demo.totalRequests();
    await http.getAccount('alice');
    await http.getAccount('alice');
    expect(demo.totalRequests() - before).toBe(2);
  });
});
