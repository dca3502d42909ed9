// What every upstream call passes through: a bottleneck limiter (rate and concurrency), a per-call
// timeout, and, for answers that can be reused, a short cache with identical requests in flight
// shared. A surge of people asking about the same account costs the centre's API one call.
import Bottleneck from 'bottleneck';
import type { Clock } from '../ports/time.ts';

export interface GuardOptions {
  maxConcurrent: number;
  /** Minimum spacing between calls, ms (0 = no rate limit beyond concurrency). */
  minTimeMs: number;
  timeoutMs: number;
  cacheTtlMs: number;
  cacheMax?: number;
  clock: Clock;
}

export class TimeoutError extends Error {
  readonly code = 'upstream.timeout';
}

export interface GuardStats {
  calls: number;
  cacheHits: number;
  shared: number;
}

export class UpstreamGuard {
  private readonly limiter: Bottleneck;
  private readonly cache = new Map<string, { at: number; value: unknown }>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly running = new Set<AbortController>();
  readonly stats: GuardStats = { calls: 0, cacheHits: 0, shared: 0 };

  constructor(private readonly options: GuardOptions) {
    this.limiter = new Bottleneck({ maxConcurrent: options.maxConcurrent, minTime: options.minTimeMs });
  }

  /**
   * Runs `call` under the limiter with a timeout. With a `key`, a cached answer is returned while
   * fresh and a call in flight is shared; `keep` decides which answers may be cached.
   */
  async run<T>(key: string | undefined, call: (signal: AbortSignal) => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    if (key !== undefined) {
      const hit = this.cache.get(key);
      if (hit && this.options.clock.now() - hit.at < this.options.cacheTtlMs) {
        this.stats.cacheHits++;
        return hit.value as T;
      }
      const flying = this.inflight.get(key);
      if (flying) {
        this.stats.shared++;
        return flying as Promise<T>;
      }
    }
    const p = this.limiter.schedule(() => this.timed(call)).then((value) => {
      if (key !== undefined && this.options.cacheTtlMs > 0 && keep(value)) this.remember(key, value);
      return value;
    });
    if (key !== undefined) {
      this.inflight.set(key, p);
      const clear = () => this.inflight.delete(key);
      p.then(clear, clear);
    }
    return p;
  }

  private async timed<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.stats.calls++;
    const controller = new AbortController();
    this.running.add(controller);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TimeoutError(`no answer within ${this.options.timeoutMs} ms`));
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
    const max = this.options.cacheMax ?? 10_000;
    if (this.cache.size >= max) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, { at: this.options.clock.now(), value });
  }

  /** Drops cached answers whose key matches (an answer known to be out of date). */
  forget(matches: (key: string) => boolean): void {
    for (const key of this.cache.keys()) if (matches(key)) this.cache.delete(key);
  }

  /** Cancels calls under way and drops waiting ones: shutting down never waits for an upstream. */
  async stop(): Promise<void> {
    for (const c of this.running) c.abort();
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}

/** A fixed-window counter per key: at most `limit` attempts per `windowMs`. */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  allow(key: string): boolean {
    const now = this.clock.now();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 50_000) this.windows.clear();
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    if (w.count >= this.limit) return false;
    w.count++;
    return true;
  }
}
