// The reference clock, sampled from NTP in the background and shared by every conversation (never
// fetched per person). When no NTP server answers, or the last answer is too old, it falls back to
// this host's clock and says so (`reference: "host"`).
import { NtpTimeSync } from 'ntp-time-sync';
import type { Logger } from '../ports/logger.ts';
import type { Clock, ReferenceReading, ReferenceTime } from '../ports/time.ts';
import type { HostPort } from '../ports/net.ts';

export interface NtpReferenceOptions {
  servers: HostPort[];
  clock: Clock;
  log: Logger;
  intervalMs: number;
  /** An offset older than this is no longer trusted. */
  maxAgeMs: number;
  replyTimeoutMs: number;
}

export class NtpReference implements ReferenceTime {
  private sync?: NtpTimeSync;
  private sample?: { offsetMs: number; at: number };
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<boolean>;

  constructor(private readonly o: NtpReferenceOptions) {
    if (o.servers.length) {
      this.sync = new NtpTimeSync({
        servers: o.servers.map((s) => `${s.host}:${s.port}`),
        replyTimeout: o.replyTimeoutMs,
        sampleCount: 4,
      });
    }
  }

  get configured(): boolean {
    return this.sync !== undefined;
  }

  /** Takes a first sample (bounded by the reply timeout), then keeps sampling in the background. */
  async start(): Promise<void> {
    if (!this.sync) return;
    await this.sampleNow();
    this.timer = setInterval(() => void this.sampleNow(), this.o.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One NTP exchange; concurrent callers share it. Resolves to whether NTP answered. */
  sampleNow(): Promise<boolean> {
    if (!this.sync) return Promise.resolve(false);
    this.sampling ??= this.sync
      .getTime(true)
      .then((r) => {
        // ntp-time-sync's offset is server minus this host.
        this.sample = { offsetMs: r.offset, at: this.o.clock.now() };
        return true;
      })
      .catch((err: Error) => {
        this.o.log.warn('NTP did not answer; using the host clock', { detail: err.message });
        return false;
      })
      .finally(() => {
        this.sampling = undefined;
      });
    return this.sampling;
  }

  now(): ReferenceReading {
    const host = this.o.clock.now();
    if (this.sample && host - this.sample.at <= this.o.maxAgeMs) {
      return { ms: host + this.sample.offsetMs, reference: 'ntp', hostOffsetMs: -this.sample.offsetMs };
    }
    return { ms: host, reference: 'host' };
  }
}
