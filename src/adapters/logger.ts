// JSON-lines logging with pino, to stderr by default, with a level threshold. Errors are reduced
// to their code and message: no stack dumps of user data into logs. Lines are written
// synchronously, so the last words before an exit are not lost.
import pino from 'pino';
import type { Logger } from '../ports/logger.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export function createLogger(level: LogLevel, write?: (line: string) => void, base: Record<string, string> = {}): Logger {
  const p = pino(
    {
      level,
      base,
      timestamp: () => `,"t":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      // Errors are already reduced to code and message below; no stack, no type.
      serializers: { err: (e: unknown) => e },
    },
    write ? { write } : pino.destination({ fd: 2, sync: true }),
  );
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (message: string, fields: Record<string, unknown> = {}) => {
    if (!p.isLevelEnabled(lvl)) return;
    const safe: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      safe[k] = v instanceof Error ? { message: v.message, ...('code' in v ? { code: v.code } : {}) } : v;
    }
    p[lvl](safe, message);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
