// Limits per key (an account, an address, a conversation) that hold however many replicas serve:
// "5 code checks a minute" means 5 in total, not 5 on each.

/** Allows a few attempts per key per window. */
export interface AttemptLimiter {
  /** Counts an attempt; false when the key has used its allowance for this window. */
  allow(key: string): Promise<boolean>;
}

export interface RateLimits {
  /** A limiter of `points` attempts per `windowMs`; `name` keeps its keys apart from other limiters'. */
  limiter(name: string, points: number, windowMs: number): AttemptLimiter;
}
