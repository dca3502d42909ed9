// `2fa-helpdesk diagnose` and `flows check` as a person or a script runs them, with real peers:
// the demo backend, a dns2 server and an NTP responder running 90 s fast.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, runCli, tempDataDir, ROOT } from '../helpers/cli.ts';
import { SECRETS } from '../helpers/fakes.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';
import { startDnsServer, standardZone, type DnsPeer } from '../peers/dns-server.ts';
import { startNtpServer, type NtpPeer } from '../peers/ntp-server.ts';
import { startHttpServer, type HttpPeer } from '../peers/http-server.ts';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk } from '../../src/main.ts';
import { recordingLogger } from '../helpers/fakes.ts';

let dns: DnsPeer;
let ntp: NtpPeer;
let hang: HttpPeer;
beforeAll(async () => {
  dns = await startDnsServer(standardZone());
  ntp = await startNtpServer(90_000);
  hang = await startHttpServer(() => {
    /* never answers */
  });
});
afterAll(async () => {
  await dns.close();
  await ntp.close();
  await hang.close();
});

const env = (extra: Record<string, string> = {}) => baseEnv({ DATA_DIR: tempDataDir(), DNS_SERVERS: dns.spec, NTP_SERVERS: ntp.spec, ...extra });

describe('diagnose', () => {
  it('prints the JSON report of every check, measured against NTP', async () => {
    if ((Date.now() / 1000) % 30 > 25) await new Promise((r) => setTimeout(r, 5500));
    const code = oathtoolCode(SECRETS.alice as string, Date.now());
    // The device shows this host's time; NTP says true time is 90 s later, so the device is 90 s behind.
    const started = Date.now();
    const r = await runCli(['diagnose', '--user', 'alice', '--ip', '192.0.2.20', '--code', code, '--device-time', new Date().toISOString(), '--json'], env());
    // The device time was read before the command started; it was that much older when measured.
    const elapsedS = (Date.now() - started) / 1000;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ version: 1, subject: { user: 'alice', ip: '192.0.2.20' } });
    const byId = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
    expect(byId.account).toMatchObject({ status: 'pass', code: 'account.found', data: { username: 'alice', status: 'active' } });
    expect(byId.token).toMatchObject({ status: 'pass', code: 'token.active', data: { state: 'active' } });
    expect(byId.code.code).toMatch(/^code\.(valid|ahead)$/);
    expect(byId.network).toMatchObject({ code: 'network.outside', data: { twoFactorRequired: true, ptr: ['host.example.com'], confirmedName: 'host.example.com' } });
    expect(byId.clock).toMatchObject({ status: 'fail', code: 'clock.skewed', data: { reference: 'ntp' } });
    expect(byId.clock.data.offsetSeconds).toBeLessThanOrEqual(-89);
    expect(byId.clock.data.offsetSeconds).toBeGreaterThanOrEqual(-91 - elapsedS);
    expect(report.advice.map((a: { code: string }) => a.code)).toContain('clock.skewed');
    for (const c of report.checks) expect(['pass', 'warn', 'fail', 'unknown']).toContain(c.status);
  });

  it('speaks to staff, with the facts on one screen and what to do; in Swedish when asked; finds accounts by e-mail', async () => {
    const r = await runCli(['diagnose', '--user', 'carol@example.org'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ Account +carol: active until 2027-06-30 23:59 UTC; e-mail carol@example\.org\./);
    expect(r.stdout).toMatch(/✘ Token +carol's token tok-carol-1 was registered 2 hours ago \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\) and is still pending, past the limit of 30 minutes\./);
    expect(r.stdout).toMatch(/Next steps:\n• Check the import job/);
    expect(r.stdout).not.toMatch(/\bYour\b|contact support|I suggest/);
    const sv = await runCli(['diagnose', '--user', 'carol@example.org', '--lang', 'sv'], env());
    expect(sv.stdout).toMatch(/carol:s token tok-carol-1 registrerades för 2 timmar sedan/);
    expect(sv.stdout).toMatch(/Nästa steg:\n• Kontrollera importjobbet/);
  });

  it('--for user gives the words for the person, to paste into a reply', async () => {
    const r = await runCli(['diagnose', '--user', 'carol', '--for', 'user'], env());
    expect(r.stdout).toMatch(/Your token was registered 2 hours ago and is still not active/);
    expect((await runCli(['diagnose', '--user', 'carol', '--for', 'everyone'], env())).stderr).toMatch(/--for must be staff or user/);
  });

  it('says once that an account does not exist: no token line, no token advice', async () => {
    for (const forWhom of ['staff', 'user']) {
      const r = await runCli(['diagnose', '--user', 'nobody', '--for', forWhom], env());
      expect(r.stdout).toMatch(/account\.missing/);
      expect(r.stdout).not.toMatch(/token|Token|register a token|Register a token/);
    }
  });

  it('without --device-time or --code, the clock line says what was measured: the server, not the device', async () => {
    const r = await runCli(['diagnose', '--user', 'alice'], env());
    expect(r.stdout).toMatch(/Clock +Device clock not measured \(give --device-time or --code\)\. (No NTP answer|This server's own clock is)/);
    expect(r.stdout).not.toMatch(/\?\? I could not measure your device clock/);
  });

  it('--device-time is compared with the moment the command was given, not with when the checks ran', async () => {
    // An NTP server that takes packets and never answers: diagnose waits NTP_TIMEOUT_MS for it, so a
    // comparison with the moment the checks ran would be off by at least those 10 s.
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    try {
      const slow = env({ NTP_SERVERS: `127.0.0.1:${silent.address().port}`, NTP_TIMEOUT_MS: '10000' });
      const device = new Date(Date.now() - 60_000).toISOString();
      const r = await runCli(['diagnose', '--user', 'dave', '--device-time', device, '--json'], slow);
      const clock = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'clock');
      // What is left is the time to start the process: seconds at most, even on a busy machine.
      expect(Math.abs(clock.data.offsetSeconds + 60)).toBeLessThanOrEqual(5);
    } finally {
      silent.close();
    }
  }, 40_000);

  it('takes HH:MM:SS as read off a phone; with --tz an offset of more than 7.5 minutes is measured too', async () => {
    const stockholm = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
    // The NTP responder here is 90 s ahead of this host: true time is host time + 90 s.
    const read = Date.now();
    const device = stockholm(read + 90_000 - 20 * 60_000);
    // The time was read off the phone at `read` and cut to the second; every second the command takes
    // to start (many on a busy machine) makes the phone look that much further behind.
    const offsetOf = async (args: string[], zoneless: number) => {
      const report = JSON.parse((await runCli(['diagnose', '--user', 'dave', '--device-time', device, ...args, '--json'], env())).stdout);
      const elapsed = (Date.now() - read) / 1000;
      const offset: number = report.checks.find((c: { id: string }) => c.id === 'clock').data.offsetSeconds;
      expect(offset).toBeLessThanOrEqual(zoneless + 2);
      expect(offset).toBeGreaterThanOrEqual(zoneless - elapsed - 2);
    };
    // With the zone: 20 minutes behind (the zone-less reading would be 15 minutes away).
    await offsetOf(['--tz', 'Europe/Stockholm'], -1200);
    // Without the zone, 20 minutes behind is indistinguishable from 5 minutes behind in another zone.
    await offsetOf([], -300);
    expect((await runCli(['diagnose', '--user', 'dave', '--device-time', device, '--tz', 'Mars/Olympus'], env())).stderr).toMatch(/--tz must be a time zone/);
  });

  it('says when the clock reference is the host, because no NTP server answered', async () => {
    const r = await runCli(['diagnose', '--user', 'dave', '--device-time', new Date(Date.now() - 45_000).toISOString(), '--json'], env({ NTP_SERVERS: '127.0.0.1:9', NTP_TIMEOUT_MS: '200' }));
    expect(r.code).toBe(0);
    const clock = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'clock');
    expect(clock).toMatchObject({ code: 'clock.skewed', data: { reference: 'host' } });
    expect(JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'token').code).toBe('token.none');
  });

  it.each([
    [['diagnose'], /--user is required/],
    [['diagnose', '--user', 'a b'], /--user must be a username/],
    [['diagnose', '--user', 'alice', '--ip', '999.1.1.1'], /--ip must be an IPv4 or IPv6 address/],
    [['diagnose', '--user', 'alice', '--device-time', 'tea time'], /--device-time must be an ISO 8601 time/],
    [['diagnose', '--user', 'alice', '--code', '12ab'], /--code must be 6 to 8 digits/],
    [['diagnose', '--user', 'alice', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('bad input %j exits 2 with one line', async (args, message) => {
    const r = await runCli(args, env());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('a wrong environment value stops start-up with the key and what was expected', async () => {
    const r = await runCli(['diagnose', '--user', 'alice'], env({ PORT: 'eighty', TWOFA_EXEMPT_NETWORKS: '10.0.0.0/33', ENROLLMENT_API_URL: 'ftp://x' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PORT: expected a whole number from 0 to 65535 \(got "eighty"\)/);
    expect(r.stderr).toMatch(/TWOFA_EXEMPT_NETWORKS: expected CIDR networks .*"10\.0\.0\.0\/33"/);
    expect(r.stderr).toMatch(/ENROLLMENT_API_URL: expected .*http\(s\) URL/);
  });

  it('a DATA_DIR that is a file stops start-up with a clear line', async () => {
    const file = path.join(tempDataDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const r = await runCli(['chat'], env({ DATA_DIR: file }), 'hello\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DATA_DIR .*not-a-dir cannot hold the conversation store/);
  });

  it('an upstream that hangs does not delay the report beyond the check timeout', async () => {
    const config = loadConfig({ ...env({ ENROLLMENT_API_URL: hang.url, ENROLLMENT_API_TOKEN: 'x', CHECK_TIMEOUT_MS: '600', ENROLLMENT_TIMEOUT_MS: '5000' }) });
    const app = await createHelpdesk(config, { log: recordingLogger() });
    try {
      const started = performance.now();
      const report = await app.diagnose({ user: 'alice', ip: '192.0.2.70' });
      const ms = performance.now() - started;
      expect(ms).toBeLessThan(600 + 250);
      expect(report.checks.map((c) => c.code)).toEqual(['account.unavailable', 'token.unavailable', 'clock.unmeasured', 'network.dns-error']);
    } finally {
      await app.close();
    }
  });
});

describe('serve', () => {
  it('a port that is taken is one clear line and exit 2, and nothing is left running', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = String((blocker.address() as { port: number }).port);
    try {
      const r = await runCli(['serve'], env({ PORT: port }));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`PORT: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
    } finally {
      blocker.close();
    }
  });
});

describe('flows check', () => {
  it('passes the shipped flows', async () => {
    const r = await runCli(['flows', 'check'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/9 flows in \.\/flows are valid/);
    // The knowledge base and the facts written as rules are checked with them.
    expect(r.stdout).toMatch(/\d+ knowledge entries are valid: .*which_app/);
    expect(r.stdout).toMatch(/facts written as rules are valid: .*takeover/);
  });

  it('names the file, flow, step and key of each problem, and the bot refuses to start on them', async () => {
    const dir = path.join(ROOT, 'test/fixtures/broken-flows/unknown-target');
    const r = await runCli(['flows', 'check', dir], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml, flow broken, step first, key next: unknown target "secnod"/);
    const start = await runCli(['chat'], env({ FLOWS_DIR: dir }), '');
    expect(start.code).toBe(2);
    expect(start.stderr).toMatch(/step first, key next: unknown target "secnod"/);
  });
});
