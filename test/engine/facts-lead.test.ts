// The account's facts before a topic's opening question: looked up as soon as the username is known,
// and only for someone the channel vouches for or who proved the account is theirs.
import { describe, expect, it } from 'vitest';
import { newSnapshot, type Snapshot } from '../../src/engine/snapshot.ts';
import { transition } from '../../src/engine/transition.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import { result } from '../../src/checks/context.ts';
import { env } from '../helpers/engine.ts';

const T0 = Date.parse('2026-11-27T12:00:00Z');

function run(s: Snapshot, requireProof: boolean, ...events: EngineEvent[]) {
  let snapshot = s;
  let out: ReturnType<typeof transition> | undefined;
  for (const e of events) {
    out = transition({ ...env(T0), requireProof }, snapshot, e);
    snapshot = out.snapshot;
  }
  return out!;
}

const setup = { type: 'text', text: "Hi, I'm dave and I want to set up two-factor for the first time" } as const;

describe('facts lead', () => {
  it('looks the account up before asking where in the setup the person is', () => {
    const r = run(newSnapshot('t:1', T0, { lang: 'en' }), false, { type: 'start' }, setup);
    expect(r.snapshot.flow).toBe('first_time_setup');
    expect(r.effect).toEqual({ type: 'check', check: 'account' });
    expect(r.snapshot.lead).toBe('where');
    expect(r.replies.some((x) => x.kind === 'choices')).toBe(false);
  });

  it('then the token, then the setup from its first step when there is none', () => {
    const s = run(newSnapshot('t:1', T0, { lang: 'en' }), false, { type: 'start' }, setup).snapshot;
    const account = run(s, false, { type: 'checked', result: result('account', 'account.found', 'pass', { username: 'dave', status: 'active' }, 'en') });
    expect(account.effect).toEqual({ type: 'check', check: 'token' });
    const token = run(account.snapshot, false, { type: 'checked', result: result('token', 'token.none', 'fail', { state: 'none', registeredAt: null, minutesSinceRegistration: null }, 'en') });
    expect(token.snapshot.step).toBe('s1');
    expect(token.snapshot.lead).toBeUndefined();
    expect(token.snapshot.transcript.some(([, , said]) => said === 'facts:first_time_setup/where/token.none')).toBe(true);
  });

  it('says nothing about an account to a stranger on a channel that needs a proof, until it is proven', () => {
    const r = run(newSnapshot('t:2', T0, { lang: 'en' }), true, { type: 'start' }, setup);
    expect(r.snapshot.flow).toBe('first_time_setup');
    expect(r.effect).toBeUndefined();
    expect(r.snapshot.findings).toEqual([]);
    const proven = run(r.snapshot, true, { type: 'proven', user: 'dave', how: 'email' });
    expect(proven.effect).toEqual({ type: 'check', check: 'account' });
  });
});
