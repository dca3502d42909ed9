// The side effects of one turn, remembered across its re-runs. A turn that loses the optimistic
// save race runs again on the state the other replica saved; the effects it already had (a code
// mailed, a code used up, a ticket filed, a watch kept) must not happen again, nor be undone by a
// second try that now fails ("that code was already used"). So each writing effect is keyed by what
// it asks and how many times this run has asked it, and a re-run that asks the same gets the same
// answer back without doing it again. Checks and a ticket's status only read, and run again on the new state.
//
// With a journal (the store), the answers are also written down where every replica sees them: a
// replica killed after an effect and before its save leaves them to the one that runs the turn
// again from the same stored version, and the sink is handed a key so that an effect done but not
// yet written down is not done twice either.
import type { EffectJournal } from '../ports/effects.ts';
import type { Effect, EngineEvent } from './events.ts';

/** The conversation a ledger belongs to, and the journal (if any) that outlives this process. */
export interface LedgerScope {
  journal: EffectJournal;
  conversationId: string;
  now: number;
}

/** The sink's idempotency key, when the effect is journaled. */
export type Perform = (key?: string) => Promise<EngineEvent>;

/** An answer read back from the journal: the engine's own writing, checked for its shape only. */
function asEvent(answer: unknown): EngineEvent | undefined {
  return answer && typeof answer === 'object' && typeof (answer as { type?: unknown }).type === 'string' ? (answer as EngineEvent) : undefined;
}

export class EffectLedger {
  private readonly answers = new Map<string, EngineEvent>();
  private asked = new Map<string, number>();
  private version = 0;
  private turn: Promise<string> | undefined;

  constructor(private readonly scope?: LedgerScope) {}

  /**
   * A new run of the turn, from stored `version`: effects are counted from the start again. The
   * journal's turn is the one of the first run that asked for a writing effect, kept for the re-runs.
   */
  rewind(version = 0): void {
    this.asked = new Map();
    this.version = version;
  }

  async once(effect: Effect, perform: Perform): Promise<EngineEvent> {
    if (effect.type === 'check' || effect.type === 'ticket-status') return perform();
    const what = JSON.stringify(effect);
    const nth = (this.asked.get(what) ?? 0) + 1;
    this.asked.set(what, nth);
    const key = `${nth}:${what}`;
    const known = this.answers.get(key);
    if (known) return known;
    const answer = this.scope ? await this.journaled(this.scope, key, perform) : await perform();
    this.answers.set(key, answer);
    return answer;
  }

  private async journaled({ journal, conversationId, now }: LedgerScope, key: string, perform: Perform): Promise<EngineEvent> {
    this.turn ??= journal.turn(conversationId, this.version, now);
    const turn = await this.turn;
    const recalled = await journal.recall(turn, key);
    const known = asEvent(recalled.answer);
    if (known) return known;
    const answer = await perform(recalled.key);
    await journal.record(turn, key, answer, now);
    return answer;
  }

  /** How many writing effects this turn has performed (for the log of a re-run). */
  get size(): number {
    return this.answers.size;
  }
}
