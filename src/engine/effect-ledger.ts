// The side effects of one turn, remembered across its re-runs. A turn that loses the optimistic
// save race runs again on the state the other replica saved; the effects it already had (a code
// mailed, a code used up, a ticket filed, a watch kept) must not happen again, nor be undone by a
// second try that now fails ("that code was already used"). So each writing effect is keyed by what
// it asks and how many times this run has asked it, and a re-run that asks the same gets the same
// answer back without doing it again. Checks only read, and run again on the new state.
import type { Effect, EngineEvent } from './events.ts';

export class EffectLedger {
  private readonly answers = new Map<string, EngineEvent>();
  private asked = new Map<string, number>();

  /** A new run of the turn: effects are counted from the start again. */
  rewind(): void {
    this.asked = new Map();
  }

  async once(effect: Effect, perform: () => Promise<EngineEvent>): Promise<EngineEvent> {
    if (effect.type === 'check') return perform();
    const what = JSON.stringify(effect);
    const nth = (this.asked.get(what) ?? 0) + 1;
    this.asked.set(what, nth);
    const key = `${nth}:${what}`;
    const known = this.answers.get(key);
    if (known) return known;
    const answer = await perform();
    this.answers.set(key, answer);
    return answer;
  }

  /** How many writing effects this turn has performed (for the log of a re-run). */
  get size(): number {
    return this.answers.size;
  }
}
