// The demo enrollment page: a real QR code to scan with a person's own app, a real code to confirm,
// and a token that becomes active after the demo's activation time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoEnrollmentBackend } from '../../src/adapters/demo-enrollment.ts';
import { FakeClock } from '../helpers/fakes.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';

const clock = new FakeClock(Date.now());
const demo = new DemoEnrollmentBackend({ clock, activationMinutes: 2, token: 'demo-token' });
beforeAll(() => demo.start());
afterAll(() => demo.stop());

const tokens = async (user: string) =>
  ((await (await fetch(`${demo.url}/v1/accounts/${user}/tokens`, { headers: { authorization: 'Bearer demo-token' } })).json()) as { tokens: Array<{ id: string; state: string; registeredAt: string }> }).tokens;

describe('demo enrollment page', () => {
  it('lists the demo users with their situations', async () => {
    const html = await (await fetch(`${demo.url}/enroll/`)).text();
    for (const u of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) expect(html).toContain(`/enroll/${u}`);
    expect(html).toContain('token pending for 2 hours');
  });

  it('registers a token from a real code, pending until the activation time has passed', async () => {
    const page = await fetch(`${demo.url}/enroll/dave`);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await page.text();
    expect(html).toMatch(/<svg[\s\S]*<\/svg>/);
    const secret = /name="secret" value="([A-Z2-7]{32})"/.exec(html)?.[1] as string;
    expect(secret).toBeDefined();

    const wrong = await fetch(`${demo.url}/enroll/dave`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ secret, code: '000000' }).toString() });
    expect(wrong.status).toBe(400);
    expect(await tokens('dave')).toEqual([]);

    const code = oathtoolCode(secret, clock.now());
    const ok = await fetch(`${demo.url}/enroll/dave`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ secret, code }).toString() });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/registered[\s\S]*activated within 2 minutes/);
    expect((await tokens('dave')).map((t) => t.state)).toEqual(['pending']);
    clock.advance(2 * 60_000 + 1000);
    expect((await tokens('dave')).map((t) => t.state)).toEqual(['active']);
  });

  it('escapes what it shows, and answers 404 for an unknown user', async () => {
    const res = await fetch(`${demo.url}/enroll/%3Cscript%3E`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('<script>');
  });
});
