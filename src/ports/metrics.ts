// Counters and latencies, so /metrics can say what the helpdesk is doing. Metric names are
// declared in the adapter; this port is what the rest of the code calls.
export interface Metrics {
  /** Adds `by` (default 1). */
  count(name: string, labels?: Record<string, string>, by?: number): void;
  observe(name: string, labels: Record<string, string>, seconds: number): void;
}

export const noMetrics: Metrics = { count: () => {}, observe: () => {} };

/**
 * Told of each request to an upstream service (the Enrollment API, LDAP, privacyIDEA, SMTP, a ticket
 * sink): which kind of request (never a username), how long it took, and how it ended (`answered`,
 * an HTTP status, `error`, `timeout`).
 */
export type UpstreamObserver = (route: string, ms: number, outcome: string) => void;
