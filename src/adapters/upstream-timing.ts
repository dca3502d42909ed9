// Times one request to an upstream service for its UpstreamObserver: `answered` unless the request
// says otherwise, `timeout` when it was given up on, `error` for any other failure (which is rethrown).
import { isHelpdeskError } from '../errors.ts';
import type { Metrics, UpstreamObserver } from '../ports/metrics.ts';

/** The histogram every upstream request is observed in, labelled upstream, route and outcome. */
export const UPSTREAM_METRIC = 'helpdesk_upstream_request_duration_seconds';

/** The observer of one upstream (`enrollment`, `ldap`, `privacyidea`, `smtp`, `ticket-rt`, …). */
export function observerFor(metrics: Pick<Metrics, 'observe'>, upstream: string): UpstreamObserver {
  return (route, ms, outcome) => metrics.observe(UPSTREAM_METRIC, { upstream, route, outcome }, ms / 1000);
}

/**
 * The outcome label of an answered HTTP request. A 404 ("no such account") and a 200 are both an
 * answer: a label apart for each would count lookups of missing against existing names for whoever
 * reads metrics.
 */
export function outcomeOf(status: number): string {
  return (status >= 200 && status < 300) || status === 404 ? 'answered' : String(status);
}

/** How a failed request ended, as a metrics label. */
export function failureOutcome(err: unknown): 'timeout' | 'error' {
  if (isHelpdeskError(err) && err.code === 'upstream.timeout') return 'timeout';
  return ['AbortError', 'TimeoutError'].includes((err as Error | undefined)?.name ?? '') ? 'timeout' : 'error';
}

export async function timedRequest<T>(observe: UpstreamObserver | undefined, route: string, request: () => Promise<T>, outcome: (value: T) => string = () => 'answered'): Promise<T> {
  if (!observe) return request();
  const started = performance.now();
  try {
    const value = await request();
    observe(route, performance.now() - started, outcome(value));
    return value;
  } catch (err) {
    observe(route, performance.now() - started, failureOutcome(err));
    throw err;
  }
}
