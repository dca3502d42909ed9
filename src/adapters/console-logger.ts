// JSON-lines logging to a stream (stderr by default), with a level threshold. Errors are reduced
// to their code and message: no stack dumps of user data into logs.
import type { Logger } from '../ports/logger.ts';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export function consoleLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (message: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[lvl] < LEVELS[level]) return;
    const safe: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      safe[k] = v instanceof Error ? { message: v.message, ...('code' in v ? { code: v.code } : {}) } : v;
    }
    write(`${JSON.stringify({ t: new Date().toISOString(), level: lvl, msg: message, ...safe })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
