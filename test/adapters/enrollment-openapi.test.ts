// The Enrollment API contract, docs/enrollment-api.yaml: a valid OpenAPI 3.1 document (checked by
// @seriousme/openapi-schema-validator), every answer the demo back-end gives valid against it (ajv,
// JSON Schema 2020-12) and carrying no field the document does not describe, every request the HTTP
// client sends a documented one, and the client's zod schemas asking for what the document promises.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DemoEnrollmentBackend, demoUsers } from '../../src/adapters/demo-enrollment.ts';
import { HttpEnrollment } from '../../src/adapters/enrollment-http.ts';
import { UpstreamGuard } from '../../src/adapters/limits.ts';
import { Account, Token, VerifyAnswer } from '../../src/ports/enrollment.ts';
import { FakeClock, recordingLogger } from '../helpers/fakes.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';

const DOC = path.join(import.meta.dirname, '../../docs/enrollment-api.yaml');
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, { content?: Record<string, { schema: Json }> }>; requestBody?: { content: Record<string, { schema: Json }> } };

const validator = new Validator();
let doc: { paths: Record<string, Record<string, Operation>>; webhooks: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } };
/** The same document with every described object closed: a field it does not describe fails. */
let closed: typeof doc;
const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));

function close(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(close);
  if (node === null || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, close(v)])) as Json;
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const clock = new FakeClock(Date.parse('2026-11-28T10:00:00Z'));
const demo = new DemoEnrollmentBackend({ clock, token: 'contract-token', activationMinutes: 2 });
const silent = new DemoEnrollmentBackend({ clock, token: 'contract-token', verify: false });
const secretOf = (user: string) => demoUsers().find((u) => u.username === user)?.tokens[0]?.secret as string;

/** The operation a method and a concrete path match in the document, with its template. */
function operationFor(method: string, concrete: string, on = doc): { template: string; op: Operation } {
  const pathOnly = concrete.split('?')[0] as string;
  for (const [template, item] of Object.entries(on.paths)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const op = item[method.toLowerCase()];
    if (re.test(pathOnly) && op) return { template, op };
  }
  throw new Error(`no documented operation for ${method} ${concrete}`);
}

/** Calls the demo and checks its answer against the document, open and closed; returns the body. */
async function answer(method: 'GET' | 'POST', url: string, body?: unknown, backend = demo, token = 'contract-token') {
  const res = await fetch(`${backend.url}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as unknown;
  const status = String(res.status);
  for (const version of [doc, closed]) {
    const { template, op } = operationFor(method, url, version);
    const response = op.responses[status];
    expect(response, `${method} ${template} answers ${status}, which the document does not list`).toBeDefined();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const schema = response?.content?.['application/json']?.schema;
    expect(schema, `${method} ${template} ${status} has no JSON schema`).toBeDefined();
    const validate = ajv.compile(schema as Json);
    expect(validate(json) ? [] : validate.errors, `${method} ${url} → ${status}`).toEqual([]);
  }
  return { status: res.status, json: json as Json };
}

beforeAll(async () => {
  const result = await validator.validate(DOC);
  expect(result.errors ?? []).toEqual([]);
  doc = validator.resolveRefs() as typeof doc;
  closed = close(doc) as typeof doc;
  await demo.start();
  await silent.start();
});
afterAll(async () => {
  await demo.stop();
  await silent.stop();
});

describe('the Enrollment API document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(readFileSync(DOC, 'utf8'));
    expect(result).toMatchObject({ valid: true });
    expect(validator.version).toBe('3.1');
  });

  it('describes the four calls, the activation hook and bearer authentication', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/v1/accounts', '/v1/accounts/{username}', '/v1/accounts/{username}/tokens', '/v1/accounts/{username}/totp/verify']);
    expect(Object.keys(doc.webhooks)).toEqual(['tokenActivated']);
    const raw = readFileSync(DOC, 'utf8');
    expect(raw).toMatch(/bearerAuth:\s*\n\s*type: http\s*\n\s*scheme: bearer/);
  });

  it("asks for what the client's zod schemas require, with the same states", () => {
    const schemas = doc.components.schemas;
    for (const [name, zod] of [['Account', Account], ['Token', Token], ['VerifyAnswer', VerifyAnswer]] as const) {
      const fromZod = z.toJSONSchema(zod, { io: 'input' }) as { properties: Json; required?: string[] };
      const documented = schemas[name] as { properties: Json; required: string[] };
      expect(Object.keys(documented.properties).sort(), name).toEqual(Object.keys(fromZod.properties).sort());
      expect([...documented.required].sort(), name).toEqual([...(fromZod.required ?? [])].sort());
    }
    expect((schemas.Account?.properties as Json & { status: { enum: string[] } }).status.enum).toEqual(Account.shape.status.options);
    expect((schemas.Token?.properties as Json & { state: { enum: string[] } }).state.enum).toEqual(Token.shape.state.options);
  });
});

describe('every answer of the demo back-end is a documented one', () => {
  it('accounts: found, expired, missing, by e-mail (one and none), without the token', async () => {
    expect((await answer('GET', '/v1/accounts/alice')).json).toMatchObject({ username: 'alice', status: 'active' });
    expect((await answer('GET', '/v1/accounts/frank')).json).toMatchObject({ status: 'expired' });
    expect((await answer('GET', '/v1/accounts/nobody')).status).toBe(404);
    expect((await answer('GET', '/v1/accounts?email=carol%40example.org')).json).toMatchObject({ accounts: [{ username: 'carol' }] });
    expect((await answer('GET', '/v1/accounts?email=nobody%40example.org')).json).toEqual({ accounts: [] });
    expect((await answer('GET', '/v1/accounts/alice', undefined, demo, '')).status).toBe(401);
    expect((await answer('GET', '/v1/accounts/alice', undefined, demo, 'wrong-token')).status).toBe(401);
  });

  it('tokens in every state the demo has: active, pending, overdue, none, disabled, newly active; a missing account', async () => {
    const states = async (user: string) => ((await answer('GET', `/v1/accounts/${user}/tokens`)).json.tokens as Array<{ state: string }>).map((t) => t.state);
    expect(await states('alice')).toEqual(['active']);
    expect(await states('bob')).toEqual(['pending']);
    expect(await states('carol')).toEqual(['pending']);
    expect(await states('dave')).toEqual([]);
    expect(await states('erin')).toEqual(['disabled']);
    expect(await states('frank')).toEqual(['active']);
    demo.registerPending('dave');
    expect(await states('dave')).toEqual(['pending']);
    clock.advance(3 * 60_000);
    const [token] = (await answer('GET', '/v1/accounts/dave/tokens')).json.tokens as Array<{ state: string; activatedAt: string | null }>;
    expect(token).toMatchObject({ state: 'active', activatedAt: expect.any(String) });
    expect((await answer('GET', '/v1/accounts/nobody/tokens')).status).toBe(404);
  });

  it('verify: matched now and three steps ago, unmatched, a bad code, a missing account, and a back-end without it', async () => {
    const secret = secretOf('alice');
    const now = await answer('POST', '/v1/accounts/alice/totp/verify', { code: oathtoolCode(secret, clock.now()), maxSkewSteps: 10 });
    expect(now.json).toEqual({ matched: true, offsetSteps: 0, tokenId: 'tok-alice-1' });
    const old = await answer('POST', '/v1/accounts/alice/totp/verify', { code: oathtoolCode(secret, clock.now() - 90_000), maxSkewSteps: 10 });
    expect(old.json).toMatchObject({ matched: true, offsetSteps: -3 });
    const code = oathtoolCode(secretOf('erin'), clock.now() + 40 * 60_000);
    expect((await answer('POST', '/v1/accounts/bob/totp/verify', { code, maxSkewSteps: 1 })).json).toEqual({ matched: false, offsetSteps: null, tokenId: null });
    expect((await answer('POST', '/v1/accounts/alice/totp/verify', { code: 'abc', maxSkewSteps: 1 })).status).toBe(400);
    expect((await answer('POST', '/v1/accounts/nobody/totp/verify', { code: '123456', maxSkewSteps: 1 })).status).toBe(404);
    expect((await answer('POST', '/v1/accounts/alice/totp/verify', { code: '123456', maxSkewSteps: 1 }, silent)).status).toBe(501);
  });
});

describe('every request of the HTTP client is a documented one', () => {
  let proxy: Server;
  const seen: Array<{ method: string; url: string; auth: string | undefined; body: string }> = [];

  beforeAll(async () => {
    // A recording hop in front of the demo: what the client sends, exactly, then the demo's answer.
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
        void fetch(`${demo.url}${req.url}`, { method: req.method ?? 'GET', headers: req.headers as Record<string, string>, ...(body ? { body } : {}) }).then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' }).end(await r.text());
        });
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('accounts, accounts by e-mail, tokens and verify, with the bearer token and a valid verify body', async () => {
    const guard = new UpstreamGuard({ maxConcurrent: 4, minTimeMs: 0, timeoutMs: 30_000, cacheTtlMs: 0, clock });
    const http = new HttpEnrollment({ baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, token: 'contract-token', guard, attemptTimeoutMs: 5000, retries: 0, backoffMs: 10, log: recordingLogger() });
    expect(await http.getAccount('alice')).toMatchObject({ ok: true });
    expect(await http.findAccountsByEmail('alice@example.org')).toMatchObject({ ok: true });
    expect(await http.listTokens('bob')).toMatchObject({ ok: true });
    expect(await http.verifyCode('alice', oathtoolCode(secretOf('alice'), clock.now()), 10)).toMatchObject({ ok: true, value: { matched: true } });
    expect(seen.map((s) => `${s.method} ${operationFor(s.method, s.url).template}`)).toEqual([
      'GET /v1/accounts/{username}',
      'GET /v1/accounts',
      'GET /v1/accounts/{username}/tokens',
      'POST /v1/accounts/{username}/totp/verify',
    ]);
    for (const s of seen) expect(s.auth).toBe('Bearer contract-token');
    expect(seen[1]?.url).toBe('/v1/accounts?email=alice%40example.org');
    const verify = operationFor('POST', '/v1/accounts/alice/totp/verify').op.requestBody?.content['application/json']?.schema as Json;
    const validate = ajv.compile(close(verify) as Json);
    expect(validate(JSON.parse(seen[3]?.body ?? '')) ? [] : validate.errors).toEqual([]);
  });
});
