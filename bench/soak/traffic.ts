// The soak's traffic, each kind recording what it was told was done (answered) and what it sent
// without an answer, so that the end can count every lost and doubled turn, ticket, mail and notice.
// Every typed line carries a token of its own (soak-w-12-3), found again in the stored transcripts.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { postEvent } from '../../test/helpers/slack.ts';
import { HOOK_SECRET, type Cluster } from './cluster.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Ledger {
  /** Typed tokens whose turn was answered (HTTP 200, a Slack ack, a Discord message the gateway took for a session). */
  answered: Set<string>;
  /** Typed tokens sent without an answer (a replica killed mid-turn, a 503): may be stored once, never twice. */
  unanswered: Set<string>;
  latenciesMs: number[];
  failures: Map<string, number>;
  tickets: Set<string>;
  /** Watched users, by conversation cookie, with the notices their page received. */
  watches: Map<string, { cookie: string; xff: string; notices: number }>;
  proofMailsWanted: Set<string>;
  diagnose: { ok: number; failed: number };
  /** Discord DMs sent while no replica held the gateway (kept for the session, replayed on resume). */
  discordWhileNobodyHeld: number;
}

export const newLedger = (): Ledger => ({
  answered: new Set(),
  unanswered: new Set(),
  latenciesMs: [],
  failures: new Map(),
  tickets: new Set(),
  watches: new Map(),
  proofMailsWanted: new Set(),
  diagnose: { ok: 0, failed: 0 },
  discordWhileNobodyHeld: 0,
});

const fail = (l: Ledger, why: string): void => {
  l.failures.set(why, (l.failures.get(why) ?? 0) + 1);
};
const textOf = (replies: Array<Record<string, unknown>>) => replies.map((r) => String(r.text ?? r.prompt ?? '')).join('\n');

/** A browser behind a load balancer: each request to whichever replica is alive, from an address of its own. */
class Browser {
  cookie = '';
  constructor(
    private readonly cluster: Cluster,
    private readonly ledger: Ledger,
    readonly xff: string,
  ) {}

  base(): string {
    const alive = this.cluster.alive();
    return (alive[Math.floor(Math.random() * alive.length)] ?? this.cluster.replicas[0]!).url;
  }

  /** One turn; the replies, or undefined when it went unanswered. `token` is what the typed text carries. */
  async turn(event: Record<string, unknown>, token?: string): Promise<Array<Record<string, unknown>> | undefined> {
    const started = performance.now();
    try {
      const res = await fetch(`${this.base()}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': this.xff, ...(this.cookie ? { cookie: this.cookie } : {}) },
        body: JSON.stringify({ event, lang: 'en' }),
        signal: AbortSignal.timeout(30_000),
      });
      const set = res.headers.get('set-cookie');
      if (set) this.cookie = set.split(';')[0] as string;
      if (!res.ok) throw new Error(`web ${res.status}`);
      const body = (await res.json()) as { replies: Array<Record<string, unknown>> };
      this.ledger.latenciesMs.push(performance.now() - started);
      if (token) this.ledger.answered.add(token);
      return body.replies;
    } catch (err) {
      fail(this.ledger, (err as Error).message.slice(0, 60));
      if (token) this.ledger.unanswered.add(token);
      return undefined;
    }
  }

  say(text: string, token?: string) {
    return this.turn({ type: 'text', text }, token);
  }

  async poll(): Promise<Array<Record<string, unknown>>> {
    const res = await fetch(`${this.base()}/api/chat/poll`, { headers: { cookie: this.cookie, 'x-forwarded-for': this.xff }, signal: AbortSignal.timeout(15_000) }).catch(() => undefined);
    if (!res?.ok) return [];
    return ((await res.json()) as { replies?: Array<Record<string, unknown>> }).replies ?? [];
  }
}

const address = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** A web conversation: a few lines each to a random replica; every fifth hands over to a person (a ticket, a mail). */
export async function webSession(cluster: Cluster, ledger: Ledger, n: number): Promise<void> {
  const b = new Browser(cluster, ledger, address(n + 1));
  if (!(await b.turn({ type: 'choice', id: 'code_rejected' }))) return;
  await b.say('skip');
  for (let k = 0; k < 3; k++) await b.say(`note soak-w-${n}-${k}`, `soak-w-${n}-${k}`);
  if (n % 5 !== 0) return;
  await b.say('talk to a person');
  await b.say('skip');
  const done = await b.say(`please call me soak-t-${n}`, `soak-t-${n}`);
  const ref = done && /HD-[A-Z0-9]{6}/.exec(textOf(done))?.[0];
  if (ref) ledger.tickets.add(ref);
}

/**
 * A Slack DM event to a random replica; one in five is retried at once to another (as Slack does
 * after a slow ack). One not acked (a 500 when the inbox could not take it, a killed replica) is sent
 * again, as Slack does (at once, then after a minute: here after a second, twice at most).
 */
export async function slackEvent(cluster: Cluster, ledger: Ledger, n: number): Promise<void> {
  const token = `soak-s-${n}`;
  const user = `US${n % 200}`;
  const event = { type: 'message', channel_type: 'im', channel: `D${user}`, user, text: `note ${token}`, ts: `${Date.now() / 1000}` };
  const pick = (i: number) => {
    const alive = cluster.alive();
    return alive[(n + i) % alive.length]!.url;
  };
  const started = performance.now();
  const sends = [postEvent(pick(0), event, { eventId: `EvSoak${n}` })];
  if (n % 5 === 0) sends.push(postEvent(pick(1), event, { eventId: `EvSoak${n}`, retryNum: 1 }));
  let statuses = await Promise.all(sends.map((p) => p.then((r) => r.status, () => 0)));
  for (let retry = 1; retry <= 2 && !statuses.includes(200); retry++) {
    fail(ledger, `slack ${statuses.join('/')} (sent again)`);
    await sleep(1000);
    statuses = [await postEvent(pick(retry + 1), event, { eventId: `EvSoak${n}`, retryNum: retry }).then((r) => r.status, () => 0)];
  }
  if (statuses.includes(200)) {
    ledger.answered.add(token);
    ledger.latenciesMs.push(performance.now() - started);
  } else {
    fail(ledger, `slack ${statuses.join('/')}`);
    ledger.unanswered.add(token);
  }
}

/**
 * A Discord DM through the gateway, whether or not a replica holds it right now: Discord keeps what
 * it dispatches to a session whose connection dropped, and a new leader resumes that session (the
 * end counts it lost only if its turn was never stored). With no session at all (none ever opened,
 * or ended), Discord delivers it to nobody: counted apart, as the bot could not have had it.
 */
export function discordMessage(cluster: Cluster, ledger: Ledger, n: number): void {
  const token = `soak-d-${n}`;
  if (cluster.discord.sessions === 0) {
    fail(ledger, 'discord: no gateway session at all');
    return;
  }
  if (cluster.discord.open === 0) ledger.discordWhileNobodyHeld++;
  const user = { id: String(610000000000000000n + BigInt(n % 50)), username: `d${n % 50}` };
  cluster.discord.dmMessage(user, `note ${token}`, cluster.discord.dmChannelOf(user.id));
  ledger.answered.add(token);
}

/** Signs the import job's hook as the centre would (X-Timestamp, X-Signature). */
async function hook(base: string, user: string, tokenId: string): Promise<number> {
  const body = JSON.stringify({ user, tokenId });
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', HOOK_SECRET).update(`${ts}.${body}`).digest('hex');
  return fetch(`${base}/hooks/token-activated`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': `sha256=${sig}` }, body }).then(
    (r) => r.status,
    () => 0,
  );
}

/**
 * A person with a pending token proves who they are (a mailed code), asks to be told when it is
 * active; the import job activates it and calls the hook on a random replica; the page polls.
 */
export async function watchSession(cluster: Cluster, ledger: Ledger, n: number): Promise<void> {
  const user = `soakw${n}`;
  const b = new Browser(cluster, ledger, address(100_000 + n));
  const before = cluster.smtp.messages.length;
  if (!(await b.turn({ type: 'choice', id: 'token_not_active' }))) return;
  if (!(await b.say(user))) return;
  ledger.proofMailsWanted.add(user);
  const mail = await cluster.smtp
    .waitFor((m) => cluster.smtp.messages.indexOf(m) >= before && JSON.stringify(m.to).includes(`${user}@`), 90_000)
    .catch(() => undefined);
  const code = mail && /\b[A-Z]{4}-[A-Z]{4}\b/.exec(mail.text ?? '')?.[0];
  if (!code) return fail(ledger, 'watch: no proof mail');
  const offered = await b.say(code);
  if (!offered || !/tell you here when it is active/.test(textOf(offered))) return fail(ledger, 'watch: not offered');
  const watched = await b.say('yes please');
  if (!watched || !/as soon as your token is active/.test(textOf(watched))) return fail(ledger, 'watch: not kept');
  const w = { cookie: b.cookie, xff: b.xff, notices: 0 };
  ledger.watches.set(user, w);
  // The page stays open and polls, as a real one does, before and after the token is activated (a
  // page that has not polled for minutes counts as closed, and the notice also goes by mail).
  const deadline = Date.now() + 60_000;
  const polling = (async () => {
    while (Date.now() < deadline && w.notices === 0) {
      w.notices += (await b.poll()).filter((r) => /Your token is active now/.test(String(r.text ?? ''))).length;
      await sleep(500);
    }
  })();
  await sleep(1500);
  cluster.demo.activate(user);
  // The import job tries again for half a minute, as a real one would through a replica's restart.
  for (let i = 0; i < 30 && (await hook(b.base(), user, `tok-${user}`)) !== 204; i++) await sleep(1000);
  await polling;
}

/** The last look at a watched page: notices that came late, or twice. */
export async function finalPoll(cluster: Cluster, ledger: Ledger): Promise<void> {
  for (const w of ledger.watches.values()) {
    const b = Object.assign(new Browser(cluster, ledger, w.xff), { cookie: w.cookie });
    w.notices += (await b.poll()).filter((r) => /Your token is active now/.test(String(r.text ?? ''))).length;
  }
}

/** Staff's `diagnose` against the same deployment (its own process, the replicas' configuration). */
export async function diagnoseRun(cluster: Cluster, ledger: Ledger): Promise<void> {
  const r = cluster.replicas[0]!;
  const env = cluster.env(r);
  delete env.METRICS_PORT;
  env.PORT = '0';
  env.LOG_LEVEL = 'error';
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [path.join(import.meta.dirname, '../../bin/2fa-helpdesk.js'), 'diagnose', '--user', 'alice', '--json'], { env, stdio: 'ignore' });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code === 0) ledger.diagnose.ok++;
  else ledger.diagnose.failed++;
}
