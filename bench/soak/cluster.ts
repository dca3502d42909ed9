// The soak's deployment: three `serve` replicas (the compiled command, real processes) on the local
// PostgreSQL (a schema of their own) and a private Redis (a redis-server of the soak's own, on a free
// port, so restarting it disturbs nobody else), with the enrollment API, SMTP, Slack's Web API and
// Discord's gateway as the test peers. One replica's DATA_DIR is a small tmpfs, so its disk can fill.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSecret } from 'otplib';
import { DemoEnrollmentBackend, type DemoUser } from '../../src/adapters/demo-enrollment.ts';
import { systemClock } from '../../src/ports/time.ts';
import { SIGNING_SECRET } from '../../test/helpers/slack.ts';
import { DATABASE_URL, REDIS_URL } from '../../test/helpers/shared-services.ts';
import { freePort } from '../../test/peers/ports.ts';
import { startSmtpServer, type SmtpPeer } from '../../test/peers/smtp-server.ts';
import { startSlackApi, type SlackApiPeer } from '../../test/peers/slack-api.ts';
import { APP_ID, startDiscord, type DiscordPeer } from '../../test/peers/discord.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/2fa-helpdesk.js');
export const POOL_SIZE = 4;
export const HOOK_SECRET = 'soak-hook-secret-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a probe's detail says (see docs/operations.md, "Health"). */
export interface ProbeBody {
  ok?: boolean;
  failing?: string[];
  degraded?: string[];
  redis?: string;
  channels?: Record<string, { state: string }>;
}

export interface Replica {
  name: string;
  url: string;
  metricsUrl: string;
  dataDir: string;
  child?: ChildProcess;
  restarts: number;
}

/** Users with a pending token each, for watches (soakw0…); the demo's own users stay as they are. */
export function soakUsers(n: number): DemoUser[] {
  return Array.from({ length: n }, (_, i) => ({
    username: `soakw${i}`,
    email: `soakw${i}@example.org`,
    status: 'active',
    situation: 'soak',
    tokens: [{ id: `tok-soakw${i}`, state: 'pending', registeredMinutesAgo: 1, secret: generateSecret() }],
  }));
}

export class Cluster {
  replicas: Replica[] = [];
  redisPort = 0;
  /**
   * A redis-server of the soak's own (so the Redis fault disturbs nobody); without the binary the
   * replicas use the tests' Redis under a prefix of their own, and the Redis fault is skipped.
   */
  readonly ownRedis = ['redis-server', 'redis-cli'].every((bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0);
  private redis?: ChildProcess;
  readonly schema = `soak_${process.pid}`;
  readonly logDir = mkdtempSync(path.join(os.tmpdir(), '2fa-soak-logs-'));
  tmpfs?: string;

  private constructor(
    readonly demo: DemoEnrollmentBackend,
    readonly smtp: SmtpPeer,
    readonly slackApi: SlackApiPeer,
    readonly discord: DiscordPeer,
  ) {}

  static async start(watchUsers: number): Promise<Cluster> {
    const demo = new DemoEnrollmentBackend({ clock: systemClock, activationMinutes: 1440, token: 'demo-token', centre: 'UPPMAX', extraUsers: soakUsers(watchUsers) });
    await demo.start();
    const slackApi = await startSlackApi();
    slackApi.users = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`US${i}`, { name: `s${i}`, email: `nobody${i}@example.org` }]));
    const c = new Cluster(demo, await startSmtpServer(), slackApi, await startDiscord());
    c.redisPort = await freePort();
    await c.startRedis();
    c.tmpfs = c.mountTmpfs();
    for (let i = 0; i < 3; i++) {
      const dataDir = i === 2 && c.tmpfs ? c.tmpfs : mkdtempSync(path.join(os.tmpdir(), '2fa-soak-data-'));
      const [port, metricsPort] = [await freePort(), await freePort()];
      c.replicas.push({ name: `r${i}`, url: `http://127.0.0.1:${port}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, dataDir, restarts: 0 });
    }
    await Promise.all(c.replicas.map((r) => c.startReplica(r)));
    return c;
  }

  /** Until a replica holds the Discord gateway (traffic starts then, so every DM has a session to wait in). */
  async discordUp(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.discord.open === 0) {
      if (Date.now() > deadline) throw new Error(`no replica connected to the Discord gateway in ${timeoutMs / 1000} s`);
      await sleep(100);
    }
  }

  /** A 4 MB tmpfs for replica r2's DATA_DIR (root only; otherwise a plain folder, and the disk fault is skipped). */
  private mountTmpfs(): string | undefined {
    if (process.getuid?.() !== 0) return undefined;
    const dir = mkdtempSync(path.join(os.tmpdir(), '2fa-soak-tmpfs-'));
    return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', dir]).status === 0 ? dir : undefined;
  }

  async startRedis(): Promise<void> {
    if (!this.ownRedis) return;
    this.redis = spawn('redis-server', ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (spawnSync('redis-cli', ['-p', String(this.redisPort), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return;
      await sleep(50);
    }
    throw new Error('the soak redis-server did not start');
  }

  async stopRedis(): Promise<void> {
    const r = this.redis;
    if (!r || r.exitCode !== null) return;
    const exited = new Promise((resolve) => r.once('exit', resolve));
    r.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP or SIGCONT to the soak's Redis: stopped, it keeps every connection open and answers nothing. */
  signalRedis(signal: 'SIGSTOP' | 'SIGCONT'): void {
    if (this.redis && this.redis.exitCode === null) this.redis.kill(signal);
  }

  env(r: Replica): NodeJS.ProcessEnv {
    const port = new URL(r.url).port;
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: port,
      PUBLIC_URL: r.url,
      METRICS_PORT: new URL(r.metricsUrl).port,
      DATA_DIR: r.dataDir,
      // Tickets also as files (beside the mail), so a full DATA_DIR is something the replica writes to.
      TICKET_DIR: path.join(r.dataDir, 'tickets'),
      REPLICA_NAME: r.name,
      LOG_LEVEL: 'warn',
      TYPING_DELAY_SECONDS: '0',
      NTP_SERVERS: '',
      DNS_SERVERS: '127.0.0.1:9',
      DNS_TIMEOUT_MS: '300',
      DATABASE_URL: `${DATABASE_URL}?application_name=soak-${r.name}`,
      DATABASE_SCHEMA: this.schema,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      REDIS_URL: this.ownRedis ? `redis://127.0.0.1:${this.redisPort}/0` : REDIS_URL,
      REDIS_PREFIX: `${this.schema}:`,
      ENROLLMENT_API_URL: this.demo.url,
      ENROLLMENT_API_TOKEN: 'demo-token',
      SMTP_URL: this.smtp.url,
      TICKET_EMAIL_TO: 'support@example.org',
      SLACK_BOT_TOKEN: 'xoxb-soak',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.slackApi.apiUrl,
      DISCORD_TOKEN: 'soak-bot-token-0123456789',
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_URL: this.discord.apiUrl,
      HOOK_SECRET,
      TRUSTED_PROXIES: '127.0.0.1',
      NEW_CONVERSATIONS_PER_ADDRESS: '10000000',
    };
  }

  async startReplica(r: Replica): Promise<void> {
    mkdirSync(r.dataDir, { recursive: true });
    const log = createWriteStream(path.join(this.logDir, `${r.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: this.env(r), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    r.child = child;
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${r.name} exited at start; see ${this.logDir}/${r.name}.log`);
      if (await fetch(`${r.url}/healthz`).then(() => true, () => false)) return;
      if (Date.now() > deadline) throw new Error(`${r.name} did not start in 120 s`);
      await sleep(200);
    }
  }

  /** A probe with its detail (channel states, what is failing or degraded), from the replica's metrics listener. */
  async probe(r: Replica, path: '/livez' | '/readyz' | '/healthz' = '/healthz'): Promise<{ status: number; body: ProbeBody } | undefined> {
    const res = await fetch(r.metricsUrl.replace(/\/metrics$/, path), { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
    return res && { status: res.status, body: (await res.json().catch(() => ({}))) as ProbeBody };
  }

  alive(): Replica[] {
    return this.replicas.filter((r) => r.child && r.child.exitCode === null && r.child.signalCode === null);
  }

  /** Resident memory (MB) of a replica's process, from /proc. */
  rssMb(r: Replica): number | undefined {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${r.child?.pid}/status`, 'utf8'))?.[1];
      return kb ? Math.round(Number(kb) / 1024) : undefined;
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    for (const r of this.replicas) r.child?.kill('SIGKILL');
    await sleep(300);
    await this.stopRedis();
    if (this.tmpfs) spawnSync('umount', ['-l', this.tmpfs]);
    await this.discord.close();
    await this.slackApi.close();
    await this.smtp.stop();
    await this.demo.stop();
  }
}
