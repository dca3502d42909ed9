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

/** The metrics a replica exposes on /metrics: gauges read when scraped, and the page itself. */
export interface MetricsRegistry extends Metrics {
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  gauges(name: string, help: string, labelNames: string[], read: () => Array<[Record<string, string>, number]>): void;
  /** One series' current value (0 when it has none). */
  value(name: string, labels?: Record<string, string>): Promise<number>;
  render(): Promise<string>;
  readonly contentType: string;
}
