// One way to fail. Expected outcomes (an upstream that is down, a missing account, a forged link)
// are values: an upstream call answers an `Upstream<T>` (ports/upstream.ts). What is thrown is a
// HelpdeskError: bad input at a boundary, a configuration or store that cannot work, or a bug. Its
// `code` is stable (tests and logs rely on it, never on the text); its `message` is for operators
// and names the key, file or peer; what a person is told comes from the catalogues, by the key in
// `say` (or the boundary's own apology when there is none). Every code a log line carries is in
// LOG_CODES below, so an alert can be written against the list.
// This file imports nothing: every layer, ports and channels included, may import it.

/** Codes a HelpdeskError can carry. */
export const ERROR_CODES = [
  'config.invalid',
  'flow.invalid',
  'flow.unknown',
  'store.unavailable',
  'store.corrupt',
  /** Another turn of the same conversation (on another replica) saved first: run the turn again. */
  'store.conflict',
  /** Bad input at a boundary: a command-line argument, a request body, a form field. */
  'input.invalid',
  'input.too-large',
  'input.media-type',
  /** A request that is not allowed from where it came (cross-site). */
  'request.forbidden',
  /** Too many requests from one address or session; try again later. */
  'request.limited',
  /** A link (clock check) that is forged, used or expired. */
  'link.invalid',
  'engine.fault',
  'check.fault',
  'upstream.unavailable',
  'upstream.malformed',
  'upstream.timeout',
  /** A follow-up whose ticket a sink has not filed yet: it waits in the outbox for that one. */
  'ticket.parent-pending',
  /** A bug: something that cannot happen did. Anything thrown that is not a HelpdeskError is logged with it. */
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes only log lines carry: events and faults that are logged, not thrown. */
export const EVENT_CODES = [
  'channel.down',
  'channel.stop',
  /** A Slack staff user group that could not be read (the staff check falls back to the id list). */
  'channel.staff-group',
  'channel.delivery',
  /** A channel's inbox of acked events could not be read (its look for events a dead replica left). */
  'channel.inbox',
  'slack.error',
  'discord.error',
  'web.error',
  'watch.fault',
  'proof.fault',
  'store.permissions',
  'housekeeping.purged',
  /** Conversations gone quiet were given their outcome (abandoned, out of scope, or one a replica missed recording). */
  'housekeeping.settled',
  'privacy.export',
  'privacy.forget',
  'log.personal-data',
  /** A ticket system (RT, Zammad, the relay, the webhook) refused or did not answer: the ticket waits in the outbox. */
  'ticket.sink-failed',
  /** A ticket system refused the person as requestor: the ticket was filed without, and says so. */
  'ticket.requestor-refused',
  /** Redis stopped answering within its deadline (or cannot be reached): limits, cache and limiter run in this process. */
  'redis.fallback',
  /** Redis answers again: what fell back to this process is shared again. */
  'redis.recovered',
] as const;

/** Every code a log line may carry. */
export const LOG_CODES = [...ERROR_CODES, ...EVENT_CODES] as const;
export type LogCode = (typeof LOG_CODES)[number];

/** A person-facing catalogue key; typed as a string here so this file imports no catalogue. */
export type SayKey = string;

export interface HelpdeskErrorOptions {
  cause?: unknown;
  /** The catalogue key of what a person is told, when it differs from the boundary's default. */
  say?: SayKey;
}

export class HelpdeskError extends Error {
  readonly code: ErrorCode;
  readonly say: SayKey | undefined;

  constructor(code: ErrorCode, message: string, options: HelpdeskErrorOptions = {}) {
    // An error's text reaches logs, stderr and staff in chat: a URL in it never carries its credentials.
    super(withoutCredentials(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HelpdeskError';
    this.code = code;
    this.say = options.say;
  }
}

export function isHelpdeskError(err: unknown, code?: ErrorCode): err is HelpdeskError {
  return err instanceof HelpdeskError && (code === undefined || err.code === code);
}

const KNOWN = new Set<string>(LOG_CODES);

/** The code to log for anything thrown: a HelpdeskError's, a known code carried by another error, else 'internal'. */
export function errorCode(err: unknown): LogCode {
  if (err instanceof HelpdeskError) return err.code;
  const code = err && typeof err === 'object' && 'code' in err ? err.code : undefined;
  return typeof code === 'string' && KNOWN.has(code) ? (code as LogCode) : 'internal';
}

/** The operator message of anything thrown, without credentials a URL in it carried. */
export function describeError(err: unknown): string {
  return withoutCredentials(err instanceof Error ? err.message : String(err));
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*@/gi;

/**
 * Text with the `user:password@` of every URL in it replaced ("http://***@host/"): a library's
 * message often repeats the URL it was given ("Request cannot be constructed from a URL that
 * includes credentials: …").
 */
export function withoutCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}

/** Wraps anything thrown as a HelpdeskError with `code`, keeping a HelpdeskError as it is. */
export function asHelpdeskError(err: unknown, code: ErrorCode, context?: string): HelpdeskError {
  if (err instanceof HelpdeskError) return err;
  return new HelpdeskError(code, context ? `${context}: ${describeError(err)}` : describeError(err), { cause: err });
}

/** The HTTP status a boundary answers for a thrown error (500 for a fault). */
export function httpStatus(err: unknown): number {
  if (!(err instanceof HelpdeskError)) return 500;
  return HTTP_STATUS[err.code] ?? 500;
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  'input.invalid': 400,
  'request.forbidden': 403,
  'link.invalid': 404,
  'input.too-large': 413,
  'input.media-type': 415,
  'request.limited': 429,
  'store.unavailable': 503,
  'upstream.unavailable': 503,
  'upstream.timeout': 504,
};

/** The exit status of a command for a thrown error: 2 for bad input or configuration, 1 for a fault. */
export function exitStatus(err: unknown): 1 | 2 {
  if (!(err instanceof HelpdeskError)) return 1;
  return ['input.invalid', 'config.invalid', 'flow.invalid', 'store.unavailable'].includes(err.code) ? 2 : 1;
}
