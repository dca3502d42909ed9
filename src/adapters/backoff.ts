// The exponential schedule every adapter retry uses, read from cockatiel at an attempt count. Retries
// whose count is stored (a ticket, a proof mail) outlive a restart and move between replicas, so their
// next delay is read at that count rather than by walking an in-memory backoff from the first attempt.
import { noJitterGenerator } from 'cockatiel';

/** The wait after `attempts` failures: initialDelay, then doubling up to maxDelay (no jitter). */
export function delayAfter(attempts: number, initialDelay: number, maxDelay: number): number {
  return noJitterGenerator(attempts, { generator: noJitterGenerator, initialDelay, maxDelay, exponent: 2 })[0];
}
