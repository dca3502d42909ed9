// `npm run soak -- --minutes N` (default 10): three replicas on PostgreSQL and Redis under a steady mix
// of web, Slack, Discord, watch (mail proof, hook, notice), hand-over and diagnose traffic, with faults
// on a schedule (bench/soak/faults.ts). Prints turns/s, p50/p99, memory per replica at start and end,
// connections per replica at the end, and every lost or doubled turn, ticket, mail and notice; exits
// 1 on any loss or double, 2 when the soak itself could not run.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DATABASE_URL } from '../test/helpers/shared-services.ts';
import { Cluster, POOL_SIZE } from './soak/cluster.ts';
import { SCHEDULE } from './soak/faults.ts';
import { diagnoseRun, discordMessage, finalPoll, newLedger, slackEvent, watchSession, webSession, type Ledger } from './soak/traffic.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' } } });
const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  process.stderr.write('soak: --minutes takes a number above 0\n');
  process.exit(2);
}
const durationMs = minutes * 60_000;
const startedAt = Date.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The start of the traffic (reset once the replicas serve): faults and beats are timed from it. */
let t0 = Date.now();
const say = (line: string) => process.stdout.write(`[soak ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

/** Starts each kind of traffic on its own beat until the end; resolves once everything started has finished. */
async function traffic(cluster: Cluster, ledger: Ledger, until: number): Promise<void> {
  const running = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const q = p.catch((err: unknown) => say(`traffic fault: ${(err as Error).message}`)).finally(() => running.delete(q));
    running.add(q);
  };
  const beats: Array<{ everyMs: number; next: number; n: number; go: (n: number) => Promise<unknown> | void }> = [
    { everyMs: 700, next: 0, n: 0, go: (n) => webSession(cluster, ledger, n) },
    { everyMs: 400, next: 0, n: 0, go: (n) => slackEvent(cluster, ledger, n) },
    { everyMs: 1000, next: 0, n: 0, go: (n) => discordMessage(cluster, ledger, n) },
    { everyMs: 15_000, next: 2000, n: 0, go: (n) => watchSession(cluster, ledger, n) },
    { everyMs: 30_000, next: 5000, n: 0, go: () => diagnoseRun(cluster, ledger) },
  ];
  while (Date.now() < until) {
    const now = Date.now() - t0;
    for (const b of beats) {
      if (now < b.next) continue;
      b.next = now + b.everyMs;
      track(Promise.resolve(b.go(b.n++)));
    }
    await sleep(50);
  }
  await Promise.all(running);
}

async function faults(cluster: Cluster, until: number): Promise<void> {
  for (const [at, fault] of SCHEDULE) {
    const when = t0 + at * durationMs;
    if (when > until) break;
    await sleep(Math.max(0, when - Date.now()));
    say(`fault: ${fault.name}`);
    const missing = fault.missing?.(cluster);
    if (missing) {
      say(`  skipped: ${missing}`);
      continue;
    }
    await fault.run(cluster, (line) => say(`  ${line}`)).catch((err: unknown) => say(`  the fault itself failed: ${(err as Error).message}`));
  }
}

/** Every typed token, counted in the stored transcripts; tickets and mails counted at the relay. */
async function verify(cluster: Cluster, ledger: Ledger, db: pg.Client) {
  const rows = await db.query<{ snapshot: { transcript: Array<[number, string, string]> } }>(`SELECT snapshot FROM "${cluster.schema}".conversations`);
  const seen = new Map<string, number>();
  for (const r of rows.rows) {
    for (const [, who, text] of r.snapshot.transcript ?? []) {
      const token = who === 'u' ? /soak-[wstd]-\d+(?:-\d+)?/.exec(text)?.[0] : undefined;
      if (token) seen.set(token, (seen.get(token) ?? 0) + 1);
    }
  }
  const problems: string[] = [];
  for (const t of ledger.answered) if (!seen.get(t)) problems.push(`lost turn ${t}`);
  for (const [t, n] of seen) if (n > 1) problems.push(`doubled turn ${t} (${n}x)`);
  // Every stored ticket has exactly one mail; the references the pages showed are among them.
  const ticketMails = (ref: string) => cluster.smtp.messages.filter((m) => m.messageId === `<${ref}@2fa-helpdesk>`).length;
  const ticketRows = await db.query<{ reference: string; body: string }>(`SELECT reference, body FROM "${cluster.schema}".tickets`);
  const stored = new Set(ticketRows.rows.map((r) => r.reference));
  for (const ref of ledger.tickets) if (!stored.has(ref)) problems.push(`lost ticket ${ref} (a page showed it, the store has none)`);
  // A hand-over whose answer was lost may still have its ticket (support has it), and a message after
  // the hand-over is a follow-up (relatesTo): only two tickets for one conversation and one case are a double.
  const perCase = new Map<string, number>();
  for (const r of ticketRows.rows) {
    const n = ticketMails(r.reference);
    if (n !== 1) problems.push(`${n === 0 ? 'lost' : 'doubled'} ticket mail ${r.reference} (${n})`);
    const t = JSON.parse(r.body) as { conversationId?: unknown; relatesTo?: unknown };
    const key = `${String(t.conversationId)}${t.relatesTo ? ` (follow-up to ${String(t.relatesTo)})` : ''}`;
    perCase.set(key, (perCase.get(key) ?? 0) + 1);
  }
  for (const [key, n] of perCase) if (n > 1) problems.push(`doubled ticket for ${key} (${n})`);
  for (const user of ledger.proofMailsWanted) {
    const n = cluster.smtp.messages.filter((m) => JSON.stringify(m.to).includes(`${user}@`) && /\b[A-Z]{4}-[A-Z]{4}\b/.test(m.text ?? '')).length;
    if (n !== 1) problems.push(`${n === 0 ? 'lost' : 'doubled'} proof mail to ${user} (${n})`);
  }
  for (const [user, w] of ledger.watches) {
    const mailed = cluster.smtp.messages.filter((m) => JSON.stringify(m.to).includes(`${user}@`) && /token is active/.test(m.subject ?? '')).length;
    if (w.notices + mailed !== 1) problems.push(`${w.notices + mailed === 0 ? 'lost' : 'doubled'} notice to ${user} (page ${w.notices}, mail ${mailed})`);
  }
  return { problems, unansweredStored: [...ledger.unanswered].filter((t) => seen.get(t) === 1).length };
}

/** Work not yet done: tickets to deliver, inbox events to run, and notices owed to the watched users (their tokens are active). */
async function unsettled(db: pg.Client, schema: string, watched: string[]): Promise<{ tickets: number; inbox: number; notices: number }> {
  const r = await db.query<{ tickets: string; inbox: string; notices: string }>(
    `SELECT (SELECT count(*) FROM "${schema}".tickets WHERE delivered_at IS NULL) AS tickets,
            (SELECT count(*) FROM "${schema}".seen_events WHERE payload IS NOT NULL AND done_at IS NULL) AS inbox,
            (SELECT count(*) FROM "${schema}".watches WHERE state IN ('open', 'notifying') AND "user" = ANY($1)) AS notices`,
    [watched],
  );
  return { tickets: Number(r.rows[0]?.tickets), inbox: Number(r.rows[0]?.inbox), notices: Number(r.rows[0]?.notices) };
}

async function connections(db: pg.Client): Promise<Record<string, number>> {
  const r = await db.query<{ app: string; n: string }>("SELECT application_name AS app, count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'soak-%' GROUP BY 1 ORDER BY 1");
  return Object.fromEntries(r.rows.map((x) => [x.app, Number(x.n)]));
}

async function main(): Promise<number> {
  say(`starting: 3 replicas, ${minutes} min, faults at ${SCHEDULE.map(([at]) => `${Math.round(at * minutes * 60)} s`).join(', ')}`);
  const cluster = await Cluster.start(Math.ceil((minutes * 60) / 15) + 5);
  // A soak that hangs (in CI, say) ends on its own, cleaned up, well after a normal run would have
  // (its settling waits 150 s at most).
  const watchdog = setTimeout(() => process.kill(process.pid, 'SIGTERM'), durationMs + 300_000).unref();
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const ledger = newLedger();
  // Stopped early (Ctrl-C, a CI timeout): the replicas, the Redis, the tmpfs and the schema go too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping`);
      void cluster
        .stop()
        .then(() => db.query(`DROP SCHEMA IF EXISTS "${cluster.schema}" CASCADE`))
        .finally(() => process.exit(2));
    });
  }
  try {
    await cluster.discordUp();
    say(`replicas serving, the Discord gateway held (start-up ${((Date.now() - startedAt) / 1000).toFixed(1)} s; logs in ${cluster.logDir}); traffic starts`);
    t0 = Date.now();
    const until = t0 + durationMs;
    const rssStart: Record<string, number | undefined> = {};
    const warm = sleep(Math.min(60_000, durationMs * 0.08)).then(() => {
      for (const r of cluster.replicas) rssStart[r.name] = cluster.rssMb(r);
      say(`memory after warm-up: ${JSON.stringify(rssStart)} MB`);
    });
    const series = warm.then(() => memorySeries(cluster, until));
    await Promise.all([traffic(cluster, ledger, until), faults(cluster, until), warm]);
    const trafficSeconds = (Date.now() - t0) / 1000;
    say('traffic stopped; waiting for tickets, mails and notices to settle, and the inbox to empty');
    // An event a killed replica or a deposed leader accepted is run by another once it is 2 minutes
    // (Slack) or 1 minute (Discord) old, looked for every 30 s: a kill late in the run needs that long.
    const settle = Date.now() + 150_000;
    // A watch whose hook never got through is found by the watcher's own check, WATCH_INTERVAL_SECONDS later.
    let waiting = { tickets: 0, inbox: 0, notices: 0 };
    while (Date.now() < settle) {
      waiting = await unsettled(db, cluster.schema, [...ledger.watches.keys()]);
      if (waiting.tickets === 0 && waiting.inbox === 0 && waiting.notices === 0) break;
      await sleep(1000);
    }
    say(`settled: tickets undelivered ${waiting.tickets}, inbox events not done ${waiting.inbox}, watch notices owed ${waiting.notices}`);
    await sleep(3000);
    await finalPoll(cluster, ledger);
    const rssEnd = Object.fromEntries(cluster.replicas.map((r) => [r.name, cluster.rssMb(r)]));
    const { problems, unansweredStored } = await verify(cluster, ledger, db);
    const outbox = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${cluster.schema}".outbox`);
    const conns = await connections(db);
    const turns = ledger.answered.size;
    const lines = [
      `turns answered: ${turns} in ${trafficSeconds.toFixed(0)} s = ${(turns / trafficSeconds).toFixed(1)} typed turns/s (web, Slack, Discord); web+Slack latency p50 ${quantile(ledger.latenciesMs, 0.5).toFixed(0)} ms, p99 ${quantile(ledger.latenciesMs, 0.99).toFixed(0)} ms over ${ledger.latenciesMs.length} requests`,
      `unanswered (sent during a fault, no answer): ${ledger.unanswered.size}, of which stored once: ${unansweredStored}; failures by cause: ${JSON.stringify(Object.fromEntries(ledger.failures))}`,
      `Discord: ${ledger.discordWhileNobodyHeld} DMs sent while no replica held the gateway; gateway sessions identified ${cluster.discord.identifies}, resumed ${cluster.discord.resumes}, resumes refused ${cluster.discord.invalidResumes}`,
      `hand-over tickets: ${ledger.tickets.size}; watches kept: ${ledger.watches.size} (notices ${[...ledger.watches.values()].reduce((a, w) => a + w.notices, 0)} on the page); proof mails asked: ${ledger.proofMailsWanted.size}; diagnose runs: ${ledger.diagnose.ok} ok, ${ledger.diagnose.failed} failed`,
      `memory (RSS, MB) after warm-up -> end: ${cluster.replicas
        .map((r) => {
          const [a, b] = [rssStart[r.name], rssEnd[r.name]];
          const change = a && b ? ` (${b >= a ? '+' : ''}${Math.round(((b - a) / a) * 100)} %)` : '';
          return `${r.name} ${a ?? '?'} -> ${b ?? '?'}${change}${r.restarts ? ` restarted ${r.restarts}x: the end is a new process` : ''}`;
        })
        .join(', ')}`,
      `memory by role (RSS, MB, every 30 s from warm-up to the end of traffic; L: holding the Discord gateway, *: a new process since the sample before): ${await series}`,
      `PostgreSQL connections at the end, per replica (pool size ${POOL_SIZE}, + the LISTEN and leader connections): ${JSON.stringify(conns)}; outbox rows left: ${outbox.rows[0]?.n}`,
      problems.length ? `LOST OR DOUBLED (${problems.length}):\n  ${problems.join('\n  ')}` : 'lost or doubled turns, tickets, mails, notices: 0',
    ];
    lines.push(`wall time: ${((Date.now() - startedAt) / 1000).toFixed(0)} s (start-up, traffic, settling, checks)`);
    process.stdout.write(`${lines.join('\n')}\n`);
    const overPool = Object.values(conns).filter((n) => n > POOL_SIZE + 2);
    if (overPool.length) process.stdout.write(`connections above the pool size: ${overPool.join(', ')}\n`);
    return problems.length || overPool.length ? 1 : 0;
  } finally {
    clearTimeout(watchdog);
    await cluster.stop().catch(() => undefined);
    await db.query(`DROP SCHEMA IF EXISTS "${cluster.schema}" CASCADE`).catch(() => undefined);
    await db.end();
  }
}

/**
 * Each replica's resident memory every 30 s and whether it held the Discord gateway then: a
 * replica that takes the gateway grows by discord.js's client and caches, and keeps that memory
 * after handing it on, which a start-against-end figure cannot tell from a leak.
 */
async function memorySeries(cluster: Cluster, until: number): Promise<string> {
  const samples = new Map<string, string[]>(cluster.replicas.map((r) => [r.name, []]));
  const pids = new Map<string, number | undefined>();
  try {
    while (Date.now() < until) {
      for (const r of cluster.replicas) {
        const health = (await cluster.probe(r))?.body;
        const pid = r.child?.pid;
        const fresh = pids.has(r.name) && pids.get(r.name) !== pid ? '*' : '';
        pids.set(r.name, pid);
        samples.get(r.name)?.push(`${fresh}${cluster.rssMb(r) ?? '?'}${health?.channels?.discord?.state === 'up' ? 'L' : ''}`);
      }
      await sleep(Math.min(30_000, Math.max(0, until - Date.now())));
    }
  } catch (err) {
    return `not sampled (${(err as Error).message})`;
  }
  return [...samples].map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak could not run: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
