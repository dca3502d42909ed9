// The EnrollmentPort contract: the in-memory fake and the real HTTP client (against the demo
// backend over HTTP) must answer alike, so tests that use the fake mean something.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoEnrollmentBackend } from '../../src/adapters/demo-enrollment.ts';
import { HttpEnrollment } from '../../src/adapters/enrollment-http.ts';
import { UpstreamGuard } from '../../src/adapters/limits.ts';
import type { EnrollmentPort } from '../../src/ports/enrollment.ts';
import { systemClock } from '../../src/ports/time.ts';
import { FakeEnrollment, SECRETS, recordingLogger } from '../helpers/fakes.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';

const demo = new DemoEnrollmentBackend({ clock: systemClock });
const implementations: Array<[string, () => EnrollmentPort]> = [
  ['in-memory fake', () => new FakeEnrollment(systemClock)],
  [
    'HTTP client + demo backend',
    () =>
      new HttpEnrollment({
        baseUrl: demo.url,
        token: demo.token,
        guard: new UpstreamGuard({ maxConcurrent: 4, minTimeMs: 0, timeoutMs: 3000, cacheTtlMs: 0, clock: systemClock }),
        attemptTimeoutMs: 1000,
        retries: 0,
        backoffMs: 10,
        log: recordingLogger(),
      }),
  ],
];

beforeAll(() => demo.start());
afterAll(() => demo.stop());

describe.each(implementations)('EnrollmentPort contract: %s', (_name, make) => {
  it('finds accounts by username and by e-mail, and says 404 for an unknown name', async () => {
    const port = make();
    expect(await port.getAccount('alice')).toMatchObject({ ok: true, value: { username: 'alice', email: 'alice@example.org', status: 'active' } });
    expect(await port.getAccount('frank')).toMatchObject({ ok: true, value: { status: 'expired' } });
    expect(await port.getAccount('nobody')).toMatchObject({ ok: false, reason: 'not-found' });
    expect(await port.findAccountsByEmail('bob@example.org')).toMatchObject({ ok: true, value: [{ username: 'bob' }] });
    expect(await port.findAccountsByEmail('nobody@example.org')).toEqual({ ok: true, value: [] });
  });

  it('lists tokens with their state and registration time', async () => {
    const port = make();
    const bob = await port.listTokens('bob');
    expect(bob.ok && bob.value[0]?.state).toBe('pending');
    const minutes = bob.ok ? (Date.now() - Date.parse(bob.value[0]?.registeredAt ?? '')) / 60000 : -1;
    expect(minutes).toBeGreaterThan(4.9);
    expect(minutes).toBeLessThan(5.1);
    expect(await port.listTokens('dave')).toEqual({ ok: true, value: [] });
    expect(await port.listTokens('nobody')).toMatchObject({ ok: false, reason: 'not-found' });
  });

  it('verifies codes made by oathtool, with the step offset they match', async () => {
    const port = make();
    const now = Date.now();
    for (const steps of [0, -1, 1, -4, 6]) {
      // Clear of a step boundary, so the step cannot change between making and checking the code.
      const at = now + steps * 30_000;
      if ((now / 1000) % 30 > 27) await new Promise((r) => setTimeout(r, 3000));
      const code = oathtoolCode(SECRETS.alice as string, at);
      const r = await port.verifyCode('alice', code, 10);
      expect(r).toMatchObject({ ok: true, value: { matched: true, tokenId: 'tok-alice-1' } });
      expect(r.ok && Math.abs((r.value.offsetSteps ?? 99) - steps)).toBeLessThanOrEqual(1);
    }
    const far = oathtoolCode(SECRETS.alice as string, now - 20 * 30_000);
    expect(await port.verifyCode('alice', far, 10)).toMatchObject({ ok: true, value: { matched: false, offsetSteps: null } });
  });
});
