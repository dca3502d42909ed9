// Structured logging through a port, so tests can read what was logged and channels stay quiet.
// A line's `code` is one of LOG_CODES (src/errors.ts): the one list an operator writes alerts against.
import type { LogCode } from '../errors.ts';

export type LogFields = { code?: LogCode } & Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
