// What every upstream call passes through: a bottleneck limiter (rate and concurrency), a per-call
// timeout, and, for answers that can be reused, a short cache with identical requests in flight
// shared. A surge of people asking about the same account costs the centre's API one call.
//
// With Redis (REDIS_URL) the limiter is clustered, so ENROLLMENT_MAX_CONCURRENT and the spacing hold
// across every replica, and the cache and "a call for this is already in flight" are shared too.
// Redis trouble never fails a call: without Redis, or while Redis does not answer within its
// deadline, the guard works as a single process does, and goes back to Redis when it answers.
import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import type { SharedRedis } from './redis.ts';
import type { Clock } from '../ports/time.ts';
import type { Logger } from '../ports/logger.ts';
import { LRUCache } from 'lru-cache';
import { HelpdeskError } from '../errors.ts';

/** Where a guard keeps an answer (`cache`) or a call in flight (`lock`) in Redis: this head, then the call's key. */
export function sharedKeyHead(prefix: string, name: string, kind: 'cache' | 'lock'): string {
  return `${prefix}${name}:${kind}:`;
}

export interface SharedGuard {
  redis: SharedRedis;
  /** Key prefix for this deployment (tests take one each). */
  prefix: string;
  /** This guard's name among the deployment's limiters. */
  name: string;
  log: Logger;
  /** Told each time a call is limited in this process because the clustered limiter cannot be reached. */
  onFallback?: () => void;
}

export interface GuardOptions {
  maxConcurrent: number;
  /** Minimum spacing between calls, ms (0 = no rate limit beyond concurrency). */
  minTimeMs: number;
  timeoutMs: number;
  cacheTtlMs: number;
  cacheMax?: number;
  clock: Clock;
  shared?: SharedGuard;
}

export interface GuardStats {
  calls: number;
  cacheHits: number;
  shared: number;
}

/**
 * Bottleneck's Redis scripts report a vanished limiter (FLUSHDB, eviction) as SETTINGS_KEY_NOT_FOUND
 * and recreate it, but Redis 7 prefixes script errors with "ERR " and bottleneck 2.19.5 compares
 * the message exactly, so every later call failed (https://github.com/SGrondin/bottleneck/issues/205, /212 and /219). The prefix is
 * taken off in this connection's callbacks, and bottleneck's own recovery runs.
 */
function redisConnection(client: Redis): Bottleneck.IORedisConnection {
  const connection = new Bottleneck.IORedisConnection({ client });
  const c = connection as unknown as { __scriptArgs__: (name: string, id: string, args: unknown[], cb: (err: Error | null, r: unknown) => void) => unknown[] };
  const original = c.__scriptArgs__.bind(connection);
  c.__scriptArgs__ = (name, id, args, cb) =>
    original(name, id, args, (err, r) => {
      if (err && /^ERR (SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT)$/.test(err.message)) err.message = err.message.slice(4);
      cb(err, r);
    });
  return connection;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class UpstreamGuard {
  private readonly limiter: Bottleneck;
  /** With Redis: what runs the call when the clustered limiter cannot be reached. */
  private readonly local?: Bottleneck;
  private readonly connection?: Bottleneck.IORedisConnection;
  private readonly limiterClient?: Redis;
  /** Answers this process keeps (without Redis): bounded, least recently used out first, each for cacheTtlMs on the injected clock (read on every check: a test clock moves without real time passing). */
  private readonly cache: LRUCache<string, { value: unknown }>;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly running = new Set<AbortController>();
  readonly stats: GuardStats = { calls: 0, cacheHits: 0, shared: 0 };
  private warnedAt = 0;

  constructor(private readonly options: GuardOptions) {
    this.cache = new LRUCache({ max: options.cacheMax ?? 10_000, ttl: Math.max(1, options.cacheTtlMs), ttlResolution: 0, perf: { now: () => options.clock.now() } });
    const settings = { maxConcurrent: options.maxConcurrent, minTime: options.minTimeMs };
    const s = options.shared;
    if (s) {
      // A connection of its own (bottleneck subscribes on a duplicate of it), connecting at once, with
      // the same command deadline; a deadline missed on it makes every user of Redis fall back.
      this.limiterClient = s.redis.client.duplicate({ lazyConnect: false, enableOfflineQueue: false });
      this.connection = redisConnection(this.limiterClient);
      this.connection.on('error', (err: Error) => this.redisFailed('upstream limiter lost Redis', err));
      this.limiter = new Bottleneck({ ...settings, id: `${s.prefix}${s.name}`, datastore: 'ioredis', connection: this.connection, clearDatastore: false, heartbeatInterval: 1000 });
      this.limiter.on('error', (err: Error) => this.redisFailed('upstream limiter error', err));
      this.local = new Bottleneck(settings);
    } else {
      this.limiter = new Bottleneck(settings);
    }
  }

  /**
   * Runs `call` under the limiter with a timeout. With a `key`, a cached answer is returned while
   * fresh and a call in flight is shared; `keep` decides which answers may be cached.
   */
  async run<T>(key: string | undefined, call: (signal: AbortSignal) => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    if (key === undefined) return this.schedule(call);
    // With Redis, Redis is the cache (so forgetting an answer reaches every replica); else (and
    // while Redis does not answer) this map.
    const shared = this.options.shared?.redis.answering === true;
    const hit = shared ? undefined : this.cache.get(key);
    if (hit) {
      this.stats.cacheHits++;
      return hit.value as T;
    }
    const flying = this.inflight.get(key);
    if (flying) {
      this.stats.shared++;
      return flying as Promise<T>;
    }
    const p =
      shared && this.options.cacheTtlMs > 0
        ? this.sharedCall(key, call, keep)
        : this.schedule(call).then((value) => {
            if (this.options.cacheTtlMs > 0 && keep(value)) this.remember(key, value);
            return value;
          });
    this.inflight.set(key, p);
    const clear = () => this.inflight.delete(key);
    p.then(clear, clear);
    return p;
  }

  /**
   * Across replicas: an answer another replica cached is used; a call another replica is making is
   * waited for (its lock expires with the call's timeout, so a dead replica delays, never blocks).
   */
  private async sharedCall<T>(key: string, call: (signal: AbortSignal) => Promise<T>, keep: (value: T) => boolean): Promise<T> {
    const s = this.options.shared!;
    const cacheKey = `${sharedKeyHead(s.prefix, s.name, 'cache')}${key}`;
    const lockKey = `${sharedKeyHead(s.prefix, s.name, 'lock')}${key}`;
    // Each command within Redis's deadline, none at all while it does not answer.
    const redis = <R>(command: (c: Redis) => Promise<R>) => s.redis.use(command);
    const cached = async (): Promise<{ value: T } | undefined> => {
      const raw = await redis((c) => c.get(cacheKey));
      return raw === null ? undefined : { value: JSON.parse(raw) as T };
    };
    try {
      const first = await cached();
      if (first) {
        this.stats.cacheHits++;
        return first.value;
      }
      const deadline = Date.now() + this.options.timeoutMs;
      while ((await redis((c) => c.set(lockKey, '1', 'PX', this.options.timeoutMs, 'NX'))) !== 'OK') {
        if (Date.now() > deadline) return await this.schedule(call);
        await sleep(15);
        const later = await cached();
        if (later) {
          this.stats.shared++;
          return later.value;
        }
      }
      // The lock is ours; the replica that held it before may have just cached the answer.
      const meanwhile = await cached();
      if (meanwhile) {
        await redis((c) => c.del(lockKey));
        this.stats.shared++;
        return meanwhile.value;
      }
    } catch (err) {
      // Redis did not answer: this call, and the next while it does not, is cached in this process.
      this.warnRedis('shared upstream cache unavailable', err);
      const value = await this.schedule(call);
      if (keep(value)) this.remember(key, value);
      return value;
    }
    try {
      const value = await this.schedule(call);
      if (keep(value)) await redis((c) => c.set(cacheKey, JSON.stringify(value), 'PX', this.options.cacheTtlMs)).catch(() => undefined);
      return value;
    } finally {
      await redis((c) => c.del(lockKey)).catch(() => undefined);
    }
  }

  /**
   * The clustered limiter, or this process's own when Redis cannot be reached or does not answer:
   * at once while it is so, and for a call already waiting in the clustered queue when it becomes
   * so (that queue would wait for Redis). A call runs once either way.
   */
  private async schedule<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (!this.local) return this.limiter.schedule(() => this.timed(call));
    if (!this.clustered()) {
      this.options.shared?.onFallback?.();
      return this.local.schedule(() => this.timed(call));
    }
    let started = false;
    let abandoned = false;
    let watch: NodeJS.Timeout | undefined;
    // A slot taken in Redis by a call this process gave up on (its command reached Redis after its
    // deadline) is freed by Redis when the call would have timed out anyway.
    const clustered = this.limiter.schedule({ expiration: this.options.timeoutMs + 1000 }, async () => {
      if (abandoned) return undefined as T;
      started = true;
      return this.timed(call);
    });
    const redisLost = new Promise<undefined>((resolve) => {
      watch = setInterval(() => {
        if (!started && !this.clustered()) resolve(undefined);
      }, 50);
    });
    try {
      const first = await Promise.race([clustered.then((value) => ({ value })), redisLost]);
      if (first) return first.value;
    } catch (err) {
      if (started) throw err;
      this.options.shared?.redis.failed(err);
    } finally {
      clearInterval(watch);
    }
    abandoned = true;
    clustered.catch(() => undefined);
    this.warnRedis('clustered upstream limiter unavailable; limiting in this process', undefined);
    this.options.shared?.onFallback?.();
    return this.local.schedule(() => this.timed(call));
  }

  private async timed<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.stats.calls++;
    const controller = new AbortController();
    this.running.add(controller);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new HelpdeskError('upstream.timeout', `no answer within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
    });
    try {
      return await Promise.race([call(controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
      this.running.delete(controller);
    }
  }

  private remember(key: string, value: unknown): void {
    this.cache.set(key, { value });
  }

  /** Drops cached answers whose key matches (an answer known to be out of date), here and in Redis. */
  async forget(matches: (key: string) => boolean): Promise<void> {
    for (const key of [...this.cache.keys()]) if (matches(key)) this.cache.delete(key);
    const s = this.options.shared;
    if (!s) return;
    const head = sharedKeyHead(s.prefix, s.name, 'cache');
    try {
      let cursor = '0';
      do {
        const [next, keys] = await s.redis.use((c) => c.scan(cursor, 'MATCH', `${head.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000));
        cursor = next;
        const gone = keys.filter((k) => matches(k.slice(head.length)));
        if (gone.length) await s.redis.use((c) => c.del(...gone));
      } while (cursor !== '0');
    } catch (err) {
      this.warnRedis('shared upstream cache unavailable', err);
    }
  }

  /** Whether the clustered limiter can be used now: Redis answers and this limiter's own connection is up. */
  private clustered(): boolean {
    return this.options.shared?.redis.answering === true && this.limiterClient?.status === 'ready';
  }

  /** A failure of the clustered limiter: said (once a minute), and a Redis that did not answer is fallen back from. */
  private redisFailed(message: string, err: Error): void {
    this.options.shared?.redis.failed(err);
    this.warnRedis(message, err);
  }

  /** Redis trouble is said once a minute, not once a call. */
  private warnRedis(message: string, err: unknown): void {
    if (Date.now() - this.warnedAt < 60_000) return;
    this.warnedAt = Date.now();
    this.options.shared?.log.warn(message, { code: 'upstream.unavailable', err });
  }

  /** With Redis: resolves once the clustered limiter is usable (calls before that are limited in this process). */
  async ready(timeoutMs = 5000): Promise<void> {
    if (!this.options.shared) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.limiter.ready(), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]).catch(() => undefined);
    clearTimeout(timer);
  }

  /** Cancels calls under way and drops waiting ones: shutting down never waits for an upstream. */
  async stop(): Promise<void> {
    for (const c of this.running) c.abort();
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await this.local?.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await this.connection?.disconnect(false).catch(() => undefined);
  }
}
