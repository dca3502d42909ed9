// The reference clock against real NTP packets: a UDP responder that runs off by a known amount,
// and chronyd.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NtpReference } from '../../src/adapters/ntp-reference.ts';
import { parseHostPort } from '../../src/config.ts';
import type { HostPort } from '../../src/ports/net.ts';
import { clockCheck } from '../../src/checks/clock.ts';
import { systemClock } from '../../src/ports/time.ts';
import { makeDeps, recordingLogger } from '../helpers/fakes.ts';
import { startNtpServer, type NtpPeer } from '../peers/ntp-server.ts';
import { startChrony } from '../peers/chrony.ts';

function reference(specs: string[], log = recordingLogger()) {
  return new NtpReference({
    servers: specs.map((s) => parseHostPort(s, 123) as HostPort),
    clock: systemClock,
    log,
    intervalMs: 60_000,
    maxAgeMs: 60_000,
    replyTimeoutMs: 300,
  });
}

describe('NTP reference', () => {
  let ntp: NtpPeer;
  let ref: NtpReference | undefined;
  beforeAll(async () => {
    ntp = await startNtpServer();
  });
  afterAll(() => ntp.close());
  afterEach(() => ref?.stop());

  it.each([90_000, -300_000])('measures a server running %i ms off', async (skew) => {
    ntp.skewMs = skew;
    ntp.silent = false;
    ref = reference([ntp.spec]);
    expect(await ref.sampleNow()).toBe(true);
    const r = ref.now();
    expect(r.reference).toBe('ntp');
    expect(Math.abs(r.ms - (Date.now() + skew))).toBeLessThan(250);
    expect(Math.abs((r.hostOffsetMs ?? 0) + skew)).toBeLessThan(250);
  });

  it('falls back to the host clock, and says so, when no server answers', async () => {
    ntp.silent = true;
    const log = recordingLogger();
    ref = reference([ntp.spec], log);
    expect(await ref.sampleNow()).toBe(false);
    const r = ref.now();
    expect(r.reference).toBe('host');
    expect(Math.abs(r.ms - Date.now())).toBeLessThan(50);
    expect(log.lines.some((l) => l.level === 'warn' && /NTP/.test(l.message))).toBe(true);
  });

  it('is sampled once and shared: many readings, one exchange', async () => {
    ntp.silent = false;
    ntp.skewMs = 5000;
    ref = reference([ntp.spec]);
    const before = ntp.requests;
    await Promise.all([ref.sampleNow(), ref.sampleNow(), ref.sampleNow()]);
    for (let i = 0; i < 100; i++) ref.now();
    // ntp-time-sync sends one packet per server per sampling round, up to its sample count.
    expect(ntp.requests - before).toBeLessThanOrEqual(4);
  });

  it('a clock check against it finds a device that is right by the host but 90 s off from NTP', async () => {
    // The host itself is 90 s behind true time here, so a device showing host time is 90 s behind.
    ntp.silent = false;
    ntp.skewMs = 90_000;
    ref = reference([ntp.spec]);
    await ref.sampleNow();
    const deps = makeDeps({ reference: ref, clock: systemClock as never });
    const now = Date.now();
    const { result } = await clockCheck(deps, { lang: 'en', deviceTime: { text: new Date(now).toISOString(), receivedAtMs: now, typed: false } });
    expect(result.code).toBe('clock.skewed');
    expect(result.data.reference).toBe('ntp');
    expect(Math.abs(Number(result.data.offsetSeconds) + 90)).toBeLessThanOrEqual(1);
  });
});

describe('NTP reference against chronyd', () => {
  let chrony: Awaited<ReturnType<typeof startChrony>>;
  beforeAll(async () => {
    chrony = await startChrony();
  });
  afterAll(() => chrony?.close());

  it('agrees with a chronyd serving this host’s clock', async () => {
    const ref = reference([chrony.spec]);
    let ok = false;
    // chronyd answers once it has settled on its local reference.
    for (let i = 0; i < 20 && !ok; i++) {
      ok = await ref.sampleNow();
      if (!ok) await new Promise((r) => setTimeout(r, 250));
    }
    expect(ok).toBe(true);
    const r = ref.now();
    expect(r.reference).toBe('ntp');
    expect(Math.abs(r.ms - Date.now())).toBeLessThan(100);
    ref.stop();
  });
});
