// The project's one error type: a stable `code` that tests and logs rely on, a message for people,
// and the underlying `cause`. Expected outcomes (an upstream that is down, a missing account) are
// values, not errors; a HelpdeskError means bad input at a boundary or a bug.

export type ErrorCode =
  | 'config.invalid'
  | 'flow.invalid'
  | 'flow.unknown'
  | 'store.unavailable'
  | 'store.corrupt'
  /** Another turn of the same conversation (on another replica) saved first: run the turn again. */
  | 'store.conflict'
  | 'input.invalid'
  | 'engine.fault'
  | 'check.fault'
  | 'upstream.unavailable'
  | 'upstream.malformed'
  | 'upstream.timeout';

export class HelpdeskError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HelpdeskError';
    this.code = code;
  }
}

export function errorCode(err: unknown): string {
  if (err instanceof HelpdeskError) return err.code;
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return 'internal';
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
