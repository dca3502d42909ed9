// Free text as people type it: the trained understanding on the project's own labelled messages
// (written apart from the training examples), and what the conversation does with it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newSnapshot } from '../../src/engine/snapshot.ts';
import { result } from '../../src/checks/context.ts';
import { evaluate, loadCases, perLanguage } from '../../src/understanding/evaluate.ts';
import { formatMinutes } from '../../src/i18n/catalogue.ts';
import { baseEnv, runCli, tempDataDir } from '../helpers/cli.ts';
import { flows, play, understanding } from '../helpers/engine.ts';
import { LANGS, type Lang } from '../../src/ports/lang.ts';

const T0 = Date.parse('2026-11-27T12:00:00Z');
const cases = loadCases(path.join(import.meta.dirname, 'messages.yaml'));
const fresh = (lang?: Lang) => newSnapshot('u:1', T0, lang ? { lang } : {});

describe('the understanding, on labelled messages it was not trained on', () => {
  const e = evaluate({ flows, understanding }, cases);

  it('gets at least 95 % right in each language', () => {
    expect(cases.length).toBeGreaterThan(300);
    for (const [lang, [right, total]] of Object.entries(perLanguage(e))) expect(right / total, lang).toBeGreaterThanOrEqual(0.95);
  });

  it('gets at least 90 % of long first messages right in each language (two or three sentences, greeting or context first)', () => {
    const long = loadCases(path.join(import.meta.dirname, 'long-messages.yaml'));
    expect(long.length).toBeGreaterThanOrEqual(200);
    for (const [lang, [right, total]] of Object.entries(perLanguage(evaluate({ flows, understanding }, long)))) {
      expect(total, lang).toBeGreaterThanOrEqual(100);
      expect(right / total, lang).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('has at least 15 messages per topic and language, and gets at least 80 % of each topic right in both languages', () => {
    for (const topic of [...flows.values()].filter((f) => f.topic && f.id !== 'human').map((f) => f.id)) {
      for (const lang of LANGS) {
        const [right, total] = e.perLabel[topic]?.[lang] ?? [0, 0];
        expect(total, `${topic} ${lang}`).toBeGreaterThanOrEqual(15);
        expect(right / total, `${topic} ${lang}`).toBeGreaterThanOrEqual(0.8);
      }
    }
  });

  it('sends out-of-domain messages to "unclear", not to a wrong topic', () => {
    const [enRight, enTotal] = e.perLabel.unclear?.en ?? [0, 1];
    const [svRight, svTotal] = e.perLabel.unclear?.sv ?? [0, 1];
    expect((enRight + svRight) / (enTotal + svTotal)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('what the conversation does with free text', () => {
  it('routes first messages to the new topics', () => {
    expect(play(fresh(), T0, { type: 'start' }, { type: 'text', text: 'I never got an account, how do I log in' }).snapshot.flow).toBe('no_account');
    expect(play(fresh(), T0, { type: 'start' }, { type: 'text', text: 'I got a new phone, how do I move my codes' }).snapshot.flow).toBe('lost_device');
    const sv = play(fresh(), T0, { type: 'start' }, { type: 'text', text: 'jag har tappat bort min mobil' });
    expect(sv.snapshot.flow).toBe('lost_device');
    expect(sv.snapshot.lang).toBe('sv');
  });

  it('a person, at the code prompt, in the person\'s own words', () => {
    const atCode = play(fresh(), T0, { type: 'topic', flow: 'code_rejected' }, { type: 'text', text: 'skip' }).snapshot;
    expect(atCode.step).toBe('time');
    const at = play(fresh(), T0, { type: 'topic', flow: 'code_rejected' }).snapshot;
    const code = { ...at, step: 'code', subject: { user: 'alice' } };
    // A person at any prompt hands over at once, with what is known: the ticket goes now.
    for (const text of ['can I talk to a real person please?', 'this is useless, I want a human', "I'd rather talk to a real person", 'kan jag få prata med en människa']) {
      const r = play(code, T0, { type: 'text', text });
      expect(r.effect, text).toMatchObject({ type: 'escalate' });
      expect(r.text, text).not.toMatch(/6 digits/);
    }
  });

  it('"where is my SMS" is answered in place mid-conversation, and starts its topic at the menu', () => {
    const at = { ...play(fresh(), T0, { type: 'topic', flow: 'code_rejected' }).snapshot, step: 'code', subject: { user: 'alice' } };
    const r = play(at, T0, { type: 'text', text: 'where is my sms with the code?' });
    expect(r.text).toMatch(/Nothing is sent to you, by SMS or by mail/);
    expect(r.snapshot.step).toBe('code');
    expect(play(fresh(), T0, { type: 'start' }, { type: 'text', text: 'where is my sms with the code?' }).snapshot.flow).toBe('nothing_received');
  });

  it('offers the closest choices when unsure, and understands paraphrased choices', () => {
    const stale = { ...play(fresh(), T0, { type: 'topic', flow: 'code_rejected' }).snapshot, step: 'stale' };
    expect(play(stale, T0, { type: 'text', text: 'I wrote it down earlier' }).text).toMatch(/first code from the setup never works again/);
    // The one on the screen: the old code's age measures the clock.
    expect(play(stale, T0, { type: 'text', text: 'it was the one the app showed' }).effect).toMatchObject({ type: 'check', check: 'clock' });
    // Off-topic English, with words the language identifier knows.
    const unsure = play(stale, T0, { type: 'text', text: 'chocolate cake please' });
    expect(unsure.text).toMatch(/not sure I understood\. That code was an old one/);
    expect(unsure.replies.some((r) => r.kind === 'choices' && r.choices.length === 2)).toBe(true);
  });

  it('a message with a secret in it gets the warning, and what else it said is still understood', () => {
    const r = play(fresh(), T0, { type: 'start' }, { type: 'text', text: 'my secret is JBSWY3DPEHPK3PXP and my code does not work' });
    expect(r.text).toMatch(/looks like a two-factor secret/);
    // The rest is near both the code topic and the not-yet-active one: that topic, or asked which.
    const asked = r.replies.some((x) => x.kind === 'choices' && x.choices.some((c) => c.id === 'code_rejected'));
    expect(r.snapshot.flow === 'code_rejected' || asked).toBe(true);
    expect(JSON.stringify(r.snapshot)).not.toContain('JBSWY3DPEHPK3PXP');
  });

  it('greets in both languages until it knows which, and in one once it does', () => {
    const both = play(fresh(), T0, { type: 'start' }).text;
    expect(both).toMatch(/Hi! I'm the UPPMAX[\s\S]*Hej! Jag är UPPMAX:s/);
    const sv = play(fresh('sv'), T0, { type: 'start' }).text;
    expect(sv).toMatch(/Hej!/);
    expect(sv).not.toMatch(/Hi!/);
  });

  it('says durations in words, with plurals, in both languages', () => {
    expect(formatMinutes(1, 'en')).toBe('1 minute');
    expect(formatMinutes(125, 'en')).toBe('2 hours 5 minutes');
    expect(formatMinutes(60, 'sv')).toBe('1 timme');
    expect(formatMinutes(125, 'sv')).toBe('2 timmar och 5 minuter');
    const at = play(fresh(), T0, { type: 'topic', flow: 'token_not_active' }, { type: 'text', text: 'bob' }).snapshot;
    // The topic checks the account first; here it stands at the token check.
    const r = play({ ...at, step: 'token', subject: { user: 'bob' } }, T0, {
      type: 'checked',
      result: result('token', 'token.pending', 'warn', { state: 'pending', registeredAt: 'x', minutesSinceRegistration: 5, tryInMinutes: 10, overdueInMinutes: 25 }, 'en'),
    });
    expect(r.text).toMatch(/registered 5 minutes ago[\s\S]*again in 10 minutes[\s\S]*25 minutes from now, it is a case for support/);
  });

  it('does not push setup on someone who does not need two-factor', () => {
    const at = { ...play(fresh(), T0, { type: 'topic', flow: 'need_two_factor' }).snapshot, step: 'network', subject: { ip: '192.0.2.10' } };
    const r = play(at, T0, { type: 'checked', result: result('network', 'network.exempt', 'pass', { ip: '192.0.2.10', ptr: ['host.example.se'], confirmedName: 'host.example.se', twoFactorRequired: false }, 'en') });
    expect(r.text).not.toMatch(/set up two-factor now/);
    expect(r.snapshot.status).toBe('ended');
  });
});

// Each of these starts the command in a process of its own, which trains the understanding: slow on
// a busy machine, so they get more time than the default.
describe('tools for flow authors', { timeout: 90_000 }, () => {
  it('understand --json prints one object a line with the contract\'s fields', async () => {
    const r = await runCli(['understand', '--json'], baseEnv({ DATA_DIR: tempDataDir() }), "I don't have an account\nhow do I submit a slurm job\n");
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).toMatchObject({ text: "I don't have an account", lang: 'en', topic: 'no_account', action: 'topic', choice: null });
    expect(rows[1]).toMatchObject({ action: 'unclear', topic: null });
    const at = await runCli(['understand', '--json', '--at', 'code_rejected.stale'], baseEnv({ DATA_DIR: tempDataDir() }), 'the one on the screen\n');
    expect(JSON.parse(at.stdout)).toMatchObject({ action: 'choice', choice: 'fresh_code' });
  });

  it('flows test prints accuracy per label and language, and the confusions', async () => {
    const r = await runCli(['flows', 'test'], baseEnv({ DATA_DIR: tempDataDir() }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ of \d+ right: \d+(\.\d)?%/);
    expect(r.stdout).toMatch(/^no_account\s+\d+\/15 /m);
  });
});
