// A conversation's session epoch: raised by a turn in which the person proved who they are or was
// handed over. A channel that keeps the conversation in a cookie (the web page) binds the cookie to
// the epoch, so a cookie planted before that moment (session fixation) no longer finds the proven
// conversation; the page that took part gets the new cookie with the turn's answer.
import type { Snapshot } from './snapshot.ts';

const VAR = 'sessionEpoch';

export function sessionEpoch(s: Pick<Snapshot, 'vars'>): number {
  const n = s.vars[VAR];
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0;
}

export function raiseSessionEpoch(s: Snapshot): void {
  s.vars[VAR] = sessionEpoch(s) + 1;
}
