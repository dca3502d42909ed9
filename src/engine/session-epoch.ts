// A conversation's session epoch: raised by a turn in which the person proved who they are or was
// handed over. A channel that keeps the conversation in a cookie (the web page) binds the cookie to
// the epoch, so a cookie planted before that moment (session fixation) no longer finds the proven
// conversation; the page that took part gets the new cookie with the turn's answer.
import type { Snapshot } from './snapshot.ts';

export function sessionEpoch(s: Pick<Snapshot, 'epoch'>): number {
  return s.epoch ?? 0;
}

export function raiseSessionEpoch(s: Snapshot): void {
  s.epoch = sessionEpoch(s) + 1;
}
