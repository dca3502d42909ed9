// Metrics with prom-client: one registry per helpdesk (tests run several in one process), the
// process's own metrics (CPU, memory, event-loop lag) beside the helpdesk's, and a `replica` label
// so several replicas scraped into one Prometheus stay apart.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsRegistry } from '../ports/metrics.ts';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class PrometheusMetrics implements MetricsRegistry {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();

  constructor(options: { replica?: string; processMetrics?: boolean } = {}) {
    if (options.replica) this.registry.setDefaultLabels({ replica: options.replica });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  counter(name: string, help: string, labelNames: string[]): this {
    this.counters.set(name, new Counter({ name, help, labelNames, registers: [this.registry] }));
    return this;
  }

  histogram(name: string, help: string, labelNames: string[]): this {
    this.histograms.set(name, new Histogram({ name, help, labelNames, buckets: BUCKETS, registers: [this.registry] }));
    return this;
  }

  /**
   * A value read when scraped (the tickets waiting, say): asked of the store, so every replica says the
   * same. A read that fails leaves the last value: the scrape must still answer (helpdesk_store_up says
   * the store is failing; a failed scrape would look like a replica down).
   */
  gauge(name: string, help: string, read: () => number | Promise<number>): this {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        try {
          this.set(await read());
        } catch {
          // Kept as it was; see above.
        }
      },
    });
    return this;
  }

  /** Values with labels read when scraped (each channel's connection, say); the set is replaced each time. */
  gauges(name: string, help: string, labelNames: string[], read: () => Array<[Record<string, string>, number]>): this {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.set(labels, value);
      },
    });
    return this;
  }

  count(name: string, labels: Record<string, string> = {}, by = 1): void {
    this.counters.get(name)?.inc(labels, by);
  }

  observe(name: string, labels: Record<string, string>, seconds: number): void {
    this.histograms.get(name)?.observe(labels, seconds);
  }

  async value(name: string, labels: Record<string, string> = {}): Promise<number> {
    const got = await this.counters.get(name)?.get();
    const want = Object.entries(labels);
    return got?.values.find((v) => want.every(([k, x]) => v.labels[k] === x))?.value ?? 0;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
