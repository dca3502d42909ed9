// A redis-server of a test's own on a free loopback port, which the test may hang (SIGSTOP: the
// connection stays open and nothing answers, as behind a proxy that stopped forwarding), let go
// again (SIGCONT), kill and start again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './ports.ts';

export interface RedisPeer {
  port: number;
  url: string;
  /** SIGSTOP: connections stay open, nothing is answered. */
  hang(): void;
  /** SIGCONT: answers again, what it read meanwhile too. */
  resume(): void;
  /** SIGKILL, waiting for the exit (a hung server is killed all the same). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Resolves once something on `port` answers PING with PONG. */
async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let got = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      got += String(d);
      if (got.includes('\r\n')) done(got.startsWith('+PONG'));
    });
  });
}

export async function startRedis(): Promise<RedisPeer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = c;
    const failed = new Promise<never>((_, reject) => {
      c.once('error', (err) => reject(new Error(`redis-server could not start (${err.message}); .ci/run installs it`)));
      c.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
    failed.catch(() => undefined);
    for (let i = 0; i < 100; i++) {
      if (await Promise.race([answers(port), failed])) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${port} did not answer in 5 s`);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    hang: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    kill,
    start,
    stop: kill,
  };
}
