// A turn's side effects written down beside the conversations (SQLite or PostgreSQL), so a turn run
// again on another replica after the first was killed mid-turn finds them (see EffectJournal). A
// turn is named by the conversation and the stored version it ran from; its effects by a hash of
// what they asked, so the journal holds no typed text, only the answers (kept a day, and erased
// with the person).
import { createHash, randomUUID } from 'node:crypto';
import type { EffectJournal } from '../../ports/effects.ts';
import type { SqlDb } from './db.ts';

/** A turn not saved past in this long is begun anew: the conversation has long started afresh. */
export const EFFECT_TURN_KEEP_MS = 24 * 3600_000;

export class SqlEffectJournal implements EffectJournal {
  constructor(private readonly db: SqlDb) {}

  async turn(conversationId: string, version: number, now: number): Promise<string> {
    // One statement: the first replica to ask names the turn, every later one reads that name.
    const row = await this.db.get<{ turn: string }>(
      `INSERT INTO effect_turns (conversation, version, turn, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (conversation, version) DO UPDATE SET turn = CASE WHEN effect_turns.at < $5 THEN excluded.turn ELSE effect_turns.turn END,
         at = CASE WHEN effect_turns.at < $5 THEN excluded.at ELSE effect_turns.at END
       RETURNING turn`,
      [conversationId, version, randomUUID(), now, now - EFFECT_TURN_KEEP_MS],
    );
    return (row as { turn: string }).turn;
  }

  async recall(turn: string, effect: string): Promise<{ key: string; answer?: unknown }> {
    const hash = effectHash(effect);
    const row = await this.db.get<{ answer: string }>('SELECT answer FROM effects WHERE turn = $1 AND effect = $2', [turn, hash]);
    return { key: `${turn}.${hash.slice(0, 24)}`, ...(row ? { answer: JSON.parse(row.answer) as unknown } : {}) };
  }

  async record(turn: string, effect: string, answer: unknown, now: number): Promise<void> {
    await this.db.run('INSERT INTO effects (turn, effect, answer, at) VALUES ($1, $2, $3, $4) ON CONFLICT (turn, effect) DO NOTHING', [
      turn,
      effectHash(effect),
      JSON.stringify(answer),
      now,
    ]);
  }
}

function effectHash(effect: string): string {
  return createHash('sha256').update(effect).digest('base64url');
}
