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

/** What in free text names a person on one channel (its platform ids), and what a log line shows instead. */
export type LogScrub = readonly [pattern: RegExp, replacement: string];

/**
 * What the channels tell the logger: their names (a conversation id `name:…` carries platform ids
 * or a name, and keeps only its channel) and each one's own scrubbing rules.
 */
export interface ChannelLogRules {
  names: readonly string[];
  scrubs: readonly LogScrub[];
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
