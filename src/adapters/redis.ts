// The Redis connection for what several replicas must share quickly: the clustered upstream
// limiter, its cache, and the per-key limits. Every command has a deadline (REDIS_COMMAND_TIMEOUT_MS)
// and none waits for a connection (no offline queue). A Redis that refuses connections, or that
// accepts them and stops answering (stopped, or behind a proxy that stopped forwarding), makes the
// replica fall back at once to what it does without Redis: limits, cache and limiter in this
// process. It is probed every second while so, and used again as soon as it answers.
import { Redis } from 'ioredis';
import { HelpdeskError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { RedisState } from '../ports/store.ts';
import { redactUrl } from './sql/db.ts';

export interface RedisOptions {
  /** The longest any command may take before Redis counts as not answering. */
  commandTimeoutMs: number;
  /** The longest a connection may take to open. */
  connectTimeoutMs: number;
  /** How often a Redis that stopped answering is asked again (PING). */
  probeIntervalMs?: number;
  /** Told each time the replica falls back to this process, and each time it comes back to Redis. */
  onState?: (state: RedisState) => void;
}

/** `up`: Redis answers and is used; `fallen-back`: it does not, and this process does its work. */
export type { RedisState };

/** What a failed command says when Redis did not answer it or cannot be reached (not a script's own error). */
const UNREACHABLE = /timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|MaxRetriesPerRequest|not ready/i;

/**
 * One Redis server as the replica uses it: the client, and whether to use it now. Users check
 * `answering` before a command and report a failed one to `failed`; a deadline missed anywhere (on
 * this client or a duplicate of it) makes every user fall back at once, not each after its own.
 */
export class SharedRedis {
  private fallenBackAt: number | undefined;
  private probing: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly client: Redis,
    private readonly log: Logger,
    private readonly options: RedisOptions,
  ) {
    client.on('close', () => this.fallBack('connection closed'));
    client.on('ready', () => {
      if (this.fallenBackAt !== undefined) this.probe();
    });
  }

  /** Whether to use Redis now; when false, do at once what a single process does. */
  get answering(): boolean {
    return this.fallenBackAt === undefined && this.client.status === 'ready';
  }

  state(): RedisState {
    return this.answering ? 'up' : 'fallen-back';
  }

  /** A command failed: when Redis did not answer it (a deadline, a lost connection), fall back until it does. */
  failed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (this.client.status !== 'ready' || UNREACHABLE.test(message)) this.fallBack(message);
  }

  /** Runs one use of Redis; rejects at once while fallen back, and a failure falls back. */
  async use<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    if (!this.answering) throw new HelpdeskError('upstream.unavailable', 'Redis does not answer; using this process');
    try {
      return await command(this.client);
    } catch (err) {
      this.failed(err);
      throw err;
    }
  }

  private fallBack(reason: string): void {
    if (this.closed || this.fallenBackAt !== undefined) return;
    this.fallenBackAt = Date.now();
    this.log.warn('Redis does not answer: limits, the upstream cache and limiter run in this process until it does', { code: 'redis.fallback', reason });
    this.options.onState?.('fallen-back');
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.probing);
    this.probing = setTimeout(() => this.probe(), this.options.probeIntervalMs ?? 1000);
    this.probing.unref();
  }

  /** PING under the same deadline; an answer brings every user back to Redis. */
  private probe(): void {
    clearTimeout(this.probing);
    if (this.closed || this.fallenBackAt === undefined) return;
    if (this.client.status !== 'ready') return this.schedule();
    this.client.ping().then(
      () => {
        if (this.closed || this.fallenBackAt === undefined) return;
        const outageMs = Date.now() - this.fallenBackAt;
        this.fallenBackAt = undefined;
        this.log.info('Redis answers again: limits, the upstream cache and limiter are shared again', { code: 'redis.recovered', outageMs });
        this.options.onState?.('up');
      },
      () => this.schedule(),
    );
  }

  /** Quits politely when Redis answers; a Redis that does not is left at once (a stop never waits for it). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.probing);
    if (!this.answering) return this.client.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

export async function openRedis(url: string, log: Logger, options: RedisOptions): Promise<SharedRedis> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs,
  });
  let lastWarned = 0;
  let starting = true;
  let firstError: Error | undefined;
  client.on('error', (err: Error) => {
    firstError ??= err;
    // ioredis retries by itself; one line a minute is enough to say it is still trying.
    if (starting || Date.now() - lastWarned < 60_000) return;
    lastWarned = Date.now();
    log.warn('Redis unavailable; retrying (limits and cache fall back to this process)', { code: 'upstream.unavailable', err });
  });
  try {
    await client.connect();
    // A server that accepts the connection and never answers is as unreachable as one that refuses it.
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new HelpdeskError('config.invalid', `REDIS_URL ${redactUrl(url)} cannot be reached: ${(firstError ?? (err as Error)).message}`, { cause: err });
  }
  starting = false;
  return new SharedRedis(client, log, options);
}
