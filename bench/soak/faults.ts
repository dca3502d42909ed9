// The soak's faults, each done to the real thing: PostgreSQL backends terminated, the private Redis
// killed and started again or hung (SIGSTOP) and let go, the SMTP relay hanging (reads, never
// answers) then back, a replica SIGKILLed and restarted, and one replica's DATA_DIR (a tmpfs) filled
// to the last byte then freed.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { DATABASE_URL } from '../../test/helpers/shared-services.ts';
import type { Cluster } from './cluster.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Fault {
  name: string;
  /** Why this machine cannot have the fault (it is then skipped, saying so); undefined when it can. */
  missing?(cluster: Cluster): string | undefined;
  run(cluster: Cluster, say: (line: string) => void): Promise<void>;
}

export const terminateBackends: Fault = {
  name: 'PostgreSQL backends of the replicas terminated',
  async run(_cluster, say) {
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    const r = await c.query("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name LIKE 'soak-%'");
    await c.end();
    say(`terminated ${r.rows[0].n} backends`);
  },
};

export const restartRedis: Fault = {
  name: 'Redis killed, back after 5 s',
  missing: (cluster) => (cluster.ownRedis ? undefined : "no redis-server binary here, so the replicas share the tests' Redis, which the soak does not restart"),
  async run(cluster, say) {
    await cluster.stopRedis();
    await sleep(5000);
    await cluster.startRedis();
    say('redis back');
  },
};

export const hangRedis: Fault = {
  name: 'Redis hangs for 15 s (SIGSTOP: connections stay open, nothing is answered), then answers again',
  missing: (cluster) => (cluster.ownRedis ? undefined : "no redis-server binary here, so the replicas share the tests' Redis, which the soak does not stop"),
  async run(cluster, say) {
    cluster.signalRedis('SIGSTOP');
    try {
      await sleep(3000);
      const ready = await Promise.all(cluster.alive().map(async (r) => `${r.name} ${(await cluster.probe(r, '/readyz'))?.body.redis ?? 'no answer'}`));
      say(`/readyz's redis after 3 s: ${ready.join(', ')}`);
      await sleep(12_000);
    } finally {
      cluster.signalRedis('SIGCONT');
    }
    const deadline = Date.now() + 15_000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = await Promise.all(cluster.alive().map(async (r) => (await cluster.probe(r, '/readyz'))?.body.redis ?? 'no answer'));
      if (states.every((s) => s === 'up')) break;
      await sleep(250);
    }
    say(`redis answering again; /readyz's redis: ${states.join(', ')}`);
  },
};

export const hangSmtp: Fault = {
  name: 'SMTP relay hangs for 20 s (reads each mail, does not answer), then delivers them and answers again',
  async run(cluster, say) {
    cluster.smtp.hold = () => true;
    await sleep(20_000);
    // Each held mail was in the relay's queue before it hung: a sender that gave up on it and sent
    // again makes a second copy, which the end counts as doubled.
    say(`relay back; ${cluster.smtp.release()} mails read during the hang delivered and answered now`);
  },
};

/** The replica that does not hold the Discord gateway (the leader's failover is test/scale/replicas.test.ts's). */
export const killReplica: Fault = {
  name: 'a replica SIGKILLed, restarted after 5 s',
  async run(cluster, say) {
    const healths = await Promise.all(cluster.alive().map(async (r) => [r, (await cluster.probe(r))?.body] as const));
    const victim = (healths.find(([, h]) => h?.channels?.discord?.state !== 'up') ?? healths[0]!)[0];
    victim.child?.kill('SIGKILL');
    say(`killed ${victim.name}`);
    await sleep(5000);
    victim.restarts++;
    await cluster.startReplica(victim);
    say(`${victim.name} serving again`);
  },
};

export const fillDisk: Fault = {
  name: "one replica's DATA_DIR (a 4 MB tmpfs) full for 20 s",
  missing: (cluster) => (cluster.tmpfs ? undefined : 'no tmpfs (mounting one needs root), so no disk to fill'),
  async run(cluster, say) {
    const tmpfs = cluster.tmpfs as string;
    const filler = path.join(tmpfs, 'filler');
    spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
    const df = spawnSync('df', ['--output=avail', tmpfs], { encoding: 'utf8' }).stdout.split('\n')[1]?.trim();
    const r2 = cluster.replicas[2]!;
    const health = async () => {
      const h = await cluster.probe(r2);
      return h ? `${h.status} ${JSON.stringify(h.body.failing ?? [])}` : 'no answer';
    };
    const full = await health();
    await sleep(20_000);
    rmSync(filler, { force: true });
    say(`filled (${df} KB left); r2 /healthz while full: ${full}; freed, /healthz now: ${await health()}`);
  },
};

/** The schedule: when (as a share of the run) each fault starts. */
export const SCHEDULE: Array<[number, Fault]> = [
  [0.1, terminateBackends],
  [0.2, restartRedis],
  [0.3, hangSmtp],
  [0.45, killReplica],
  [0.53, hangRedis],
  [0.6, fillDisk],
  [0.72, terminateBackends],
  [0.8, restartRedis],
];
