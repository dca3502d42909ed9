import { describe, expect, it } from 'vitest';
import { agreedCodeOffset, clockCheck } from '../../src/checks/clock.ts';
import { deviceOffsetSeconds, parseDeviceTime } from '../../src/checks/device-time.ts';
import { FakeReference, makeDeps } from '../helpers/fakes.ts';

function wall(ms: number, seconds = true): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}${seconds ? `:${p(d.getUTCSeconds())}` : ''}`;
}

describe('clock check', () => {
  it.each([
    [0, 'clock.ok', 'pass'],
    [5, 'clock.ok', 'pass'],
    [-12, 'clock.drifting', 'warn'],
    [29, 'clock.drifting', 'warn'],
    [30, 'clock.skewed', 'fail'],
    [-94, 'clock.skewed', 'fail'],
    [400, 'clock.skewed', 'fail'],
  ])('a device %i s off from the reference is %s', async (offset, code, status) => {
    const deps = makeDeps({ settings: { typingDelaySeconds: 0 } });
    const now = deps.clock.now();
    const { result } = await clockCheck(deps, { lang: 'en', deviceTime: { text: wall(now + offset * 1000), receivedAtMs: now, typed: true } });
    expect(result.code).toBe(code);
    expect(result.status).toBe(status);
    expect(result.data.offsetSeconds).toBe(offset);
    expect(result.data.reference).toBe('ntp');
  });

  it('ignores the time zone of a typed wall-clock time', async () => {
    const deps = makeDeps({ settings: { typingDelaySeconds: 0 } });
    const now = deps.clock.now();
    for (const zoneHours of [1, -5, 5.5, 9]) {
      const { result } = await clockCheck(deps, { lang: 'en', deviceTime: { text: wall(now + zoneHours * 3600_000 - 40_000), receivedAtMs: now, typed: true } });
      expect(result.data.offsetSeconds).toBe(-40);
    }
  });

  it('takes the typing delay off a typed time', async () => {
    const deps = makeDeps({ settings: { typingDelaySeconds: 6 } });
    const now = deps.clock.now();
    // The person read 12:00:00 on a correct phone, and the message arrived 6 s later.
    const { result } = await clockCheck(deps, { lang: 'en', deviceTime: { text: wall(now - 6000), receivedAtMs: now, typed: true } });
    expect(result.data.offsetSeconds).toBe(0);
  });

  it('does not call a time typed without seconds skewed when it could be right', async () => {
    const deps = makeDeps({ settings: { typingDelaySeconds: 0 } });
    const now = Date.parse('2026-11-27T12:00:50Z');
    deps.clock.t = now;
    const { result } = await clockCheck(deps, { lang: 'en', deviceTime: { text: '12:00', receivedAtMs: now, typed: true } });
    expect(result.code).not.toBe('clock.skewed');
    expect(result.data.precisionSeconds).toBe(30);
  });

  it('uses the reference, not the host, and says which', async () => {
    const deps = makeDeps({ settings: { typingDelaySeconds: 0 } });
    deps.reference = new FakeReference(deps.clock, 'ntp', 20_000); // host runs 20 s fast
    const now = deps.clock.now();
    const { result } = await clockCheck(deps, { lang: 'en', deviceTime: { text: new Date(now).toISOString(), receivedAtMs: now, typed: false } });
    expect(result.data.offsetSeconds).toBe(20);
    const host = makeDeps();
    host.reference = new FakeReference(host.clock, 'host', 0);
    expect((await clockCheck(host, { lang: 'en' })).result.data.reference).toBe('host');
  });

  it('is unmeasured without a device time or two agreeing codes', async () => {
    const deps = makeDeps();
    expect((await clockCheck(deps, { lang: 'en' })).result.code).toBe('clock.unmeasured');
    expect((await clockCheck(deps, { lang: 'en', codeOffsets: [3, 2] })).result.code).toBe('clock.unmeasured');
    const agreed = (await clockCheck(deps, { lang: 'en', codeOffsets: [3, 3] })).result;
    expect(agreed.code).toBe('clock.skewed');
    expect(agreed.data.offsetSeconds).toBe(90);
  });

  it('measures the clock by one old code the person says is the one on the screen', async () => {
    const deps = makeDeps();
    expect((await clockCheck(deps, { lang: 'en', codeOffsets: [-4] })).result.code).toBe('clock.unmeasured');
    const shown = (await clockCheck(deps, { lang: 'en', codeOffsets: [null, -4], codeShown: true })).result;
    expect(shown.code).toBe('clock.skewed');
    expect(shown.data.offsetSeconds).toBe(-120);
    expect(shown.data.source).toBe('code-age');
    // A code within the valid window says nothing about the clock.
    expect((await clockCheck(deps, { lang: 'en', codeOffsets: [-1], codeShown: true })).result.code).toBe('clock.unmeasured');
  });

  it('reads times in the forms people type', () => {
    expect(parseDeviceTime('14:32:05')).toEqual({ kind: 'wall', secondsOfDay: 14 * 3600 + 32 * 60 + 5, precision: 1 });
    expect(parseDeviceTime('14.32.05')).toMatchObject({ kind: 'wall' });
    expect(parseDeviceTime('2:32:05 pm')).toMatchObject({ secondsOfDay: 14 * 3600 + 32 * 60 + 5 });
    expect(parseDeviceTime('2026-11-27T14:32:05+01:00')).toEqual({ kind: 'instant', ms: Date.parse('2026-11-27T13:32:05Z') });
    for (const bad of ['25:00', '12:61', 'noon', '', '12', '13:00 pm']) expect(parseDeviceTime(bad)).toBeUndefined();
    expect(deviceOffsetSeconds({ kind: 'wall', secondsOfDay: 0, precision: 1 }, Date.parse('2026-11-27T23:59:50Z')).offset).toBe(10);
    expect(agreedCodeOffset([null, null])).toBeUndefined();
  });
});
