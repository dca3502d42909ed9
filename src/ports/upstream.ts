// What every call to an upstream (a centre's back-end, DNS, NTP) answers: a value, or why there is
// none. An upstream that is down is an outcome, never an exception: `not-found` is a definite answer
// (no such account, no such name), `unavailable` and `timeout` mean the question is still open.
export type UpstreamReason = 'not-found' | 'unsupported' | 'unavailable' | 'timeout';

export type UpstreamFailure = { ok: false; reason: UpstreamReason; detail: string };

/** The accounts and addresses of one person, whose cached answers a back-end can tell apart. */
export interface CacheSubject {
  users: string[];
  emails: string[];
}

/**
 * A back-end that keeps answers (behind its guard, shared through Redis): it drops exactly this
 * person's, by the cache keys only it knows (a hook said they are out of date; an erasure).
 */
export interface ForgetsAnswers {
  forget(who: CacheSubject): Promise<void>;
}

export type Upstream<T> = { ok: true; value: T } | UpstreamFailure;
