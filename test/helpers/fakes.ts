// Working fakes of the project's own ports (never of the libraries), shared by the tests.
import { generateSync } from 'otplib';
import { DEFAULT_CHECK_SETTINGS, type CheckDeps, type CheckSettings } from '../../src/checks/context.ts';
import { demoUsers } from '../../src/adapters/demo-enrollment.ts';
import { FlexibleRateLimits } from '../../src/adapters/rate-limits.ts';
import type { DnsLookup, DnsPort } from '../../src/ports/dns.ts';
import type { EnrollmentPort, Token, Upstream } from '../../src/ports/enrollment.ts';
import type { Clock, ReferenceReading, ReferenceTime } from '../../src/ports/time.ts';
import type { Logger } from '../../src/ports/logger.ts';

export class FakeClock implements Clock {
  constructor(public t = Date.parse('2026-11-27T12:00:00Z')) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export class FakeReference implements ReferenceTime {
  constructor(
    private readonly clock: Clock,
    public reference: 'ntp' | 'host' = 'ntp',
    public hostOffsetMs = 0,
  ) {}
  now(): ReferenceReading {
    return { ms: this.clock.now() - this.hostOffsetMs, reference: this.reference, hostOffsetMs: this.hostOffsetMs };
  }
}

/** The demo users, in memory: the fake of EnrollmentPort that the contract test holds to the HTTP client. */
export class FakeEnrollment implements EnrollmentPort {
  readonly users = demoUsers();
  calls = 0;
  down = false;

  constructor(private readonly clock: Clock) {}

  private fail<T>(): Upstream<T> {
    return { ok: false, reason: 'unavailable', detail: 'fake is down' };
  }

  async getAccount(username: string) {
    this.calls++;
    if (this.down) return this.fail<never>();
    const u = this.users.find((x) => x.username === username.toLowerCase());
    return u ? { ok: true as const, value: { username: u.username, email: u.email, status: u.status } } : { ok: false as const, reason: 'not-found' as const, detail: '404' };
  }

  async findAccountsByEmail(email: string) {
    this.calls++;
    if (this.down) return this.fail<never>();
    return { ok: true as const, value: this.users.filter((u) => u.email === email.toLowerCase()).map((u) => ({ username: u.username, email: u.email, status: u.status })) };
  }

  async listTokens(username: string): Promise<Upstream<Token[]>> {
    this.calls++;
    if (this.down) return this.fail();
    const u = this.users.find((x) => x.username === username.toLowerCase());
    if (!u) return { ok: false, reason: 'not-found', detail: '404' };
    return {
      ok: true,
      value: u.tokens.map((t) => {
        const at = this.clock.now() - (t.registeredMinutesAgo ?? 0) * 60000;
        return { id: t.id, type: 'totp', state: t.state, registeredAt: new Date(at).toISOString(), activatedAt: t.state === 'active' ? new Date(at + 180000).toISOString() : null, lastUsedAt: null, failCount: 0 };
      }),
    };
  }

  async verifyCode(username: string, code: string, maxSkewSteps: number) {
    this.calls++;
    if (this.down) return this.fail<never>();
    const u = this.users.find((x) => x.username === username.toLowerCase());
    if (!u) return { ok: false as const, reason: 'not-found' as const, detail: '404' };
    const epoch = Math.floor(this.clock.now() / 1000);
    for (let d = 0; d <= maxSkewSteps; d++) {
      for (const step of d === 0 ? [0] : [-d, d]) {
        for (const t of u.tokens) {
          if (generateSync({ secret: t.secret, epoch: epoch + step * 30 }) === code) return { ok: true as const, value: { matched: true, offsetSteps: step, tokenId: t.id } };
        }
      }
    }
    return { ok: true as const, value: { matched: false, offsetSteps: null, tokenId: null } };
  }
}

export class FakeDns implements DnsPort {
  constructor(
    public ptr: Record<string, DnsLookup> = {},
    public forwardTable: Record<string, DnsLookup> = {},
  ) {}
  async reverse(ip: string): Promise<DnsLookup> {
    return this.ptr[ip] ?? { ok: false, reason: 'not-found', detail: 'none' };
  }
  async forward(name: string): Promise<DnsLookup> {
    return this.forwardTable[name] ?? { ok: false, reason: 'not-found', detail: 'none' };
  }
}

export interface RecordingLogger extends Logger {
  lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
}

const silentLog: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function makeDeps(overrides: Omit<Partial<CheckDeps>, 'settings'> & { settings?: Partial<CheckSettings> } = {}): CheckDeps & { clock: FakeClock } {
  const clock = (overrides.clock as FakeClock | undefined) ?? new FakeClock();
  const { settings, ...rest } = overrides;
  return {
    ...(() => {
      const fake = new FakeEnrollment(clock);
      return { accounts: fake, tokens: fake };
    })(),
    reference: new FakeReference(clock),
    dns: new FakeDns(),
    codeAttempts: new FlexibleRateLimits({ kind: 'memory' }, silentLog).limiter('code-checks', 5, 60_000),
    ...rest,
    clock,
    settings: { ...DEFAULT_CHECK_SETTINGS, ...settings },
  };
}

export const SECRETS = Object.fromEntries(demoUsers().flatMap((u) => u.tokens.map((t) => [u.username, t.secret])));
