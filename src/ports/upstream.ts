// What every call to a centre's back-end answers: a value, or why there is none. An upstream that
// is down is an outcome (`unavailable`), never an exception.
export type Upstream<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'not-found' | 'unsupported' | 'unavailable'; detail: string };
