// JSON-lines logging with pino, to stderr by default, with a level threshold. Errors are reduced
// to their code and message: no stack dumps of user data into logs. Lines are written
// synchronously, so the last words before an exit are not lost.
// No personal data by default: fields known to name a person are redacted by pino (a conversation
// id keeps its channel and becomes a per-process pseudonym, so one conversation's lines still go
// together), and free text (messages, details, errors) loses e-mail addresses, IP addresses,
// platform ids, codes and account names in URLs. LOG_PERSONAL_DATA=true turns both off, for debugging.
import { createHmac, randomBytes } from 'node:crypto';
import pino from 'pino';
import type { ChannelLogRules, LogFields, LogScrub, Logger } from '../ports/logger.ts';
import { withoutCredentials } from '../errors.ts';
import { redactCodes } from '../understanding/input.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  /** Log usernames, addresses, ids and codes as they are (LOG_PERSONAL_DATA). */
  personalData?: boolean;
  /** The channels' conversation ids and platform ids (from the registry, see app/observability.ts). */
  channels?: ChannelLogRules;
}

/** Fields that name a person (or carry what they typed), wherever a log call puts them. */
export const PERSONAL_FIELDS = ['user', 'username', 'email', 'to', 'ip', 'address', 'subject', 'text', 'note', 'who', 'origin', 'by', 'staffId', 'key', 'conversation', 'conversationId'];
const CONVERSATION_FIELDS = new Set(['conversation', 'conversationId']);

const EMAILS: LogScrub = [/[^\s"'<>@,;:]+@[^\s"'<>@,;:]+\.[A-Za-z]{2,}/g, '[email]'];
const GENERAL: LogScrub[] = [
  [/\/accounts\/[^/\s"'?]+/g, '/accounts/[user]'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '[ip]'],
  // IPv6: eight groups, or fewer with "::" (a clock time like 14:32:05 is neither).
  [/\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|(?:\b[0-9a-f]{1,4}|)(?::[0-9a-f]{1,4})*::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*\b)?/gi, '[ip]'],
];

/** The scrubbing rules, in order: e-mail addresses, conversation ids (their channel kept), the rest, each channel's own. */
function scrubsFor(channels: ChannelLogRules | undefined): LogScrub[] {
  const names = channels?.names.filter((n) => /^[a-z][a-z0-9-]*$/.test(n)) ?? [];
  const ids: LogScrub[] = names.length ? [[new RegExp(`\\b(${names.join('|')}):[^\\s"',)]+`, 'g'), '$1:[id]']] : [];
  return [EMAILS, ...ids, ...GENERAL, ...(channels?.scrubs ?? [])];
}

/** Free text without what could name a person; codes by the one rule for codes. */
export function scrub(text: string, channels?: ChannelLogRules, rules = scrubsFor(channels)): string {
  let out = withoutCredentials(text);
  for (const [re, by] of rules) out = out.replace(re, by);
  return redactCodes(out);
}

function mapDeep(v: unknown, f: (s: string) => string, depth = 0): unknown {
  if (typeof v === 'string') return f(v);
  if (depth > 3 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => mapDeep(x, f, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapDeep(x, f, depth + 1)]));
}

export function createLogger(level: LogLevel, write?: (line: string) => void, base: Record<string, string> = {}, options: LoggerOptions = {}): Logger {
  // A key of this process only: a conversation's lines can be followed here, not matched to anything elsewhere.
  const key = randomBytes(16);
  const pseudonym = (id: string) => {
    const channel = /^[a-z]+(?=:)/.exec(id)?.[0] ?? 'conversation';
    return `${channel}:~${createHmac('sha256', key).update(id).digest('base64url').slice(0, 10)}`;
  };
  const p = pino(
    {
      level,
      base,
      timestamp: () => `,"t":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      // Errors are already reduced to code and message below; no stack, no type.
      serializers: { err: (e: unknown) => e },
      ...(options.personalData
        ? {}
        : {
            redact: {
              paths: [...PERSONAL_FIELDS, ...PERSONAL_FIELDS.map((f) => `*.${f}`)],
              censor: (value: unknown, path: string[]) =>
                CONVERSATION_FIELDS.has(path.at(-1) ?? '') && typeof value === 'string' ? pseudonym(value) : '[personal]',
            },
          }),
    },
    write ? { write } : pino.destination({ fd: 2, sync: true }),
  );
  const rules = scrubsFor(options.channels);
  const clean = (text: string) => scrub(text, undefined, rules);
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (message: string, fields: LogFields = {}) => {
    if (!p.isLevelEnabled(lvl)) return;
    const safe: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      const value = v instanceof Error ? { message: v.message, ...('code' in v ? { code: v.code } : {}) } : v;
      // Credentials in a URL are never logged, personal data or not.
      safe[k] = mapDeep(value, options.personalData || PERSONAL_FIELDS.includes(k) ? withoutCredentials : clean);
    }
    p[lvl](safe, options.personalData ? withoutCredentials(message) : clean(message));
  };
  const logger = { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
  if (options.personalData) {
    logger.warn('LOG_PERSONAL_DATA is on: usernames, addresses, platform ids and codes are written to this log; turn it off when done debugging', { code: 'log.personal-data' });
  }
  return logger;
}
