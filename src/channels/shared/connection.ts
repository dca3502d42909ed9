// Keeps a platform connection (the Discord gateway, Slack's Socket Mode) up: the first attempt runs in
// the background, a failed one is retried with capped exponential backoff until the platform answers,
// and the state is there for /healthz. Stopping aborts whatever it is waiting for.
import { ExponentialBackoff, noJitterGenerator, type GeneratorFn, type IBackoff } from 'cockatiel';
import type { Logger } from '../../ports/logger.ts';

/** `standby`: another replica holds this connection (the Discord gateway is held by the leader only). */
export type ConnectionState = 'connecting' | 'up' | 'down' | 'stopped' | 'standby';

export interface ConnectionStatus {
  state: ConnectionState;
  /** When the state last changed (ms since the epoch). */
  since: number;
  /** Why it is down, as the platform's client said it. */
  error?: string;
  attempts: number;
}

export interface ConnectionOptions {
  name: string;
  /** Connects; resolves once the platform is usable. */
  connect: () => Promise<void>;
  /** Tears down what a failed or finished attempt left behind. */
  disconnect: () => Promise<void>;
  log: Logger;
  now?: () => number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** An attempt that has not connected by then counts as failed. */
  attemptTimeoutMs?: number;
}

/** Doubling up to the cap, each wait spread ±20 % so replicas that lost the platform together do not return in step. */
const spread: GeneratorFn<number> = (attempts, options) => {
  const [delay, next] = noJitterGenerator(attempts, options);
  return [delay * (0.8 + Math.random() * 0.4), next];
};

export class Connection {
  private current: ConnectionStatus;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly o: ConnectionOptions) {
    this.current = { state: 'connecting', since: this.now(), attempts: 0 };
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  get status(): ConnectionStatus {
    return { ...this.current };
  }

  private set(state: ConnectionState, error?: string): void {
    if (this.current.state === state && this.current.error === error) return;
    this.current = { state, since: this.current.state === state ? this.current.since : this.now(), attempts: this.current.attempts, ...(error ? { error } : {}) };
  }

  /** The platform's client reports on an established connection (a gateway drop, a resume). */
  report(up: boolean, error?: string): void {
    if (this.stopped) return;
    if (up) this.set('up');
    else this.set('down', error ?? 'disconnected');
  }

  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    // The schedule is cockatiel's; the wait is ours, because cockatiel 3.2's retry() sleeps without
    // looking at its AbortSignal, and a stop must not sit out a minute of backoff.
    let backoff: IBackoff<unknown> = new ExponentialBackoff({ generator: spread, initialDelay: this.o.minDelayMs ?? 1000, maxDelay: this.o.maxDelayMs ?? 60_000 }).next();
    while (!this.stopped) {
      this.current.attempts++;
      try {
        await this.withTimeout(this.o.connect(), this.o.attemptTimeoutMs ?? 30_000);
        if (this.stopped) return;
        this.set('up');
        this.o.log.info(`${this.o.name} connected`, { attempts: this.current.attempts });
        return;
      } catch (err) {
        if (this.stopped) return;
        const message = (err as Error).message;
        this.set('down', message);
        this.o.log.warn(`${this.o.name} could not connect; retrying`, { code: 'channel.down', err, retryInMs: Math.round(backoff.duration) });
        await this.o.disconnect().catch(() => undefined);
        await this.sleep(backoff.duration);
        backoff = backoff.next(undefined);
      }
    }
  }

  private withTimeout(p: Promise<void>, ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no connection within ${Math.round(ms / 1000)} s`)), ms);
      t.unref();
      p.then(
        () => {
          clearTimeout(t);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(t);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      t.unref();
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Stops retrying and disconnects; never waits on the platform for more than `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.set('stopped');
    await Promise.race([this.o.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }
}

/** Down for longer than the grace period: what a load balancer or a watchdog should act on. */
export function unhealthy(status: ConnectionStatus, now: number, graceMs: number): boolean {
  return status.state !== 'up' && status.state !== 'stopped' && status.state !== 'standby' && now - status.since > graceMs;
}

/** Resolves once the connection is up (polling its state; for tests and start-up banners). */
export async function waitUp(connection: Connection, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (connection.status.state !== 'up') {
    if (Date.now() > deadline) throw new Error(`not connected within ${timeoutMs} ms: ${connection.status.error ?? connection.status.state}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
