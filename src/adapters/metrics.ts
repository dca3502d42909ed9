// A small Prometheus registry: counters, histograms and gauges, in the text exposition format.
import type { Metrics } from '../ports/metrics.ts';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Help {
  help: string;
  type: 'counter' | 'histogram' | 'gauge';
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (!entries.length) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

export class PrometheusMetrics implements Metrics {
  private readonly help = new Map<string, Help>();
  private readonly counters = new Map<string, Map<string, number>>();
  private readonly histograms = new Map<string, Map<string, { buckets: number[]; sum: number; count: number }>>();
  private readonly gauges = new Map<string, () => number>();

  declare(name: string, type: Help['type'], help: string): this {
    this.help.set(name, { type, help });
    return this;
  }

  gauge(name: string, help: string, read: () => number): this {
    this.declare(name, 'gauge', help);
    this.gauges.set(name, read);
    return this;
  }

  count(name: string, labels: Record<string, string> = {}): void {
    const series = this.counters.get(name) ?? new Map<string, number>();
    const key = labelText(labels);
    series.set(key, (series.get(key) ?? 0) + 1);
    this.counters.set(name, series);
  }

  observe(name: string, labels: Record<string, string>, seconds: number): void {
    const series = this.histograms.get(name) ?? new Map();
    const key = labelText(labels);
    const h = series.get(key) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.buckets[i]++;
    });
    h.sum += seconds;
    h.count++;
    series.set(key, h);
    this.histograms.set(name, series);
  }

  value(name: string, labels: Record<string, string> = {}): number {
    return this.counters.get(name)?.get(labelText(labels)) ?? 0;
  }

  render(): string {
    const out: string[] = [];
    const head = (name: string, fallback: Help['type']) => {
      const h = this.help.get(name);
      out.push(`# HELP ${name} ${h?.help ?? name}`, `# TYPE ${name} ${h?.type ?? fallback}`);
    };
    for (const [name, series] of this.counters) {
      head(name, 'counter');
      for (const [labels, v] of series) out.push(`${name}${labels} ${v}`);
    }
    for (const [name, series] of this.histograms) {
      head(name, 'histogram');
      for (const [labels, h] of series) {
        const inner = labels ? labels.slice(1, -1) + ',' : '';
        BUCKETS.forEach((b, i) => out.push(`${name}_bucket{${inner}le="${b}"} ${h.buckets[i]}`));
        out.push(`${name}_bucket{${inner}le="+Inf"} ${h.count}`, `${name}_sum${labels} ${h.sum}`, `${name}_count${labels} ${h.count}`);
      }
    }
    for (const [name, read] of this.gauges) {
      head(name, 'gauge');
      out.push(`${name} ${read()}`);
    }
    return `${out.join('\n')}\n`;
  }
}
