// `{code:alice}`, `{code:alice:+90s}`, `{time:-3m}`, `{time:-3m:s}` in what the person types.
import { durationMs } from './format.ts';
import { demoCode } from './harness.ts';
import { HelpdeskError } from '../errors.ts';

const STOCKHOLM = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

function shift(spec: string | undefined): number {
  if (!spec) return 0;
  const m = /^([+-])(.+)$/.exec(spec.trim());
  if (!m) throw new HelpdeskError('input.invalid', `a shift like +90s or -5m, not "${spec}"`);
  return (m[1] === '-' ? -1 : 1) * durationMs(m[2], 0);
}

export function fillPlaceholders(text: string, nowMs: number): string {
  return text.replace(/\{(code|time):([^}]*)\}/g, (_all, kind: string, args: string) => {
    const parts = args.split(':');
    if (kind === 'code') {
      const code = demoCode(parts[0] ?? '', nowMs + shift(parts[1]));
      if (!code) throw new HelpdeskError('input.invalid', `{code:${args}}: no demo user "${parts[0]}"`);
      return code;
    }
    const hms = STOCKHOLM.format(new Date(nowMs + shift(parts[0])));
    return parts[1] === 's' ? hms : hms.slice(0, 5);
  });
}
