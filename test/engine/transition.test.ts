// The pure transition: no I/O, no sleeping; time is a number we pass in.
import { describe, expect, it } from 'vitest';
import { newSnapshot, Snapshot } from '../../src/engine/snapshot.ts';
import { transition } from '../../src/engine/transition.ts';
import { REACH_HERE_CHOICE } from '../../src/engine/reach.ts';
import { result } from '../../src/checks/context.ts';
import { env, play, replyText } from '../helpers/engine.ts';
import type { Lang } from '../../src/ports/lang.ts';

const T0 = Date.parse('2026-11-27T12:00:00Z');
const fresh = (lang?: Lang) => newSnapshot('test:1', T0, lang ? { lang } : {});

describe('greeting and routing', () => {
  it('greets and offers the topics in order', () => {
    const { replies } = play(fresh(), T0, { type: 'start' });
    const menu = replies.find((r) => r.kind === 'choices');
    expect(menu?.kind === 'choices' && menu.choices.map((c) => c.id)).toEqual([
      'first_time_setup',
      'code_rejected',
      'need_two_factor',
      'nothing_received',
      'token_not_active',
      'no_account',
      'lost_device',
      'human',
      'my_data',
    ]);
  });

  it.each([
    ['my code doesn\'t work', 'code_rejected', 'en'],
    ['koden fungerar inte', 'code_rejected', 'sv'],
    ['do I need 2FA from home?', 'need_two_factor', 'en'],
    ['behöver jag tvåfaktor hemifrån', 'need_two_factor', 'sv'],
    ["I'm still waiting for the SMS", 'nothing_received', 'en'],
    ['how do I set up two-factor the first time', 'first_time_setup', 'en'],
    ['my new token is not active', 'token_not_active', 'en'],
    ['jag vill prata med en person', 'human', 'sv'],
  ])('"%s" goes to %s in %s', (text, flow, lang) => {
    const { snapshot } = play(fresh(), T0, { type: 'start' }, { type: 'text', text });
    expect(snapshot.flow).toBe(flow);
    expect(snapshot.lang).toBe(lang);
  });

  it('does not switch language when the channel fixed it', () => {
    const { snapshot } = play(fresh('en'), T0, { type: 'start' }, { type: 'text', text: 'koden fungerar inte' });
    expect(snapshot.flow).toBe('code_rejected');
    expect(snapshot.lang).toBe('en');
  });

  it('offers the topics again for text it cannot place, without echoing it', () => {
    const hostile = '<script>alert(1)</script> @channel <!here> <https://evil.example|click>';
    const { snapshot, replies, text } = play(fresh(), T0, { type: 'start' }, { type: 'text', text: hostile });
    expect(snapshot.status).toBe('menu');
    expect(replies.at(-1)?.kind).toBe('choices');
    expect(text).not.toContain('script');
    expect(text).not.toContain('@channel');
    expect(text).not.toContain('evil');
  });

  it('menu and human work from anywhere', () => {
    const s = play(fresh(), T0, { type: 'start' }, { type: 'text', text: '2' }).snapshot;
    expect(s.flow).toBe('code_rejected');
    expect(play(s, T0, { type: 'text', text: 'menu' }).snapshot.status).toBe('menu');
    // "A person" in the middle of a topic hands over at once, with what is known; the topic stays.
    // Nobody known yet: first how support can reach them (once), then the ticket.
    const human = play(s, T0, { type: 'text', text: 'Människa' });
    expect(human.effect).toBeUndefined();
    expect(human.snapshot.reach).toBe('asking');
    const here = play(human.snapshot, T0, { type: 'choice', id: REACH_HERE_CHOICE });
    expect(here.effect).toMatchObject({ type: 'escalate', urgent: false });
    expect(here.snapshot.flow).toBe('code_rejected');
    expect(here.snapshot.reach).toBe('here');
    // At the menu it is the hand-over topic, which asks what support needs.
    expect(play(fresh(), T0, { type: 'start' }, { type: 'text', text: 'Människa' }).snapshot.flow).toBe('human');
  });
});

describe('answers', () => {
  const atAsk = () => {
    // first_time_setup starts with "where are you?"; choose "from the beginning" to reach step 1.
    const s = play(fresh(), T0, { type: 'start' }, { type: 'choice', id: 'first_time_setup' }).snapshot;
    return play(s, T0, { type: 'text', text: '1' }).snapshot;
  };

  it('accepts a choice by number, by label, by id, or in the other language', () => {
    const s = atAsk();
    expect(s.step).toBe('s1');
    expect(play(s, T0, { type: 'text', text: '1' }).snapshot.step).toBe('s2_ask');
    expect(play(s, T0, { type: 'text', text: 'done, next step' }).snapshot.step).toBe('s2_ask');
    expect(play(s, T0, { type: 'text', text: "I'm stuck here" }).snapshot.step).toBe('s1');
    expect(play(s, T0, { type: 'text', text: 'Jag har ingen smarttelefon' }).snapshot.step).toBe('s2_ask');
    expect(play(s, T0, { type: 'choice', id: 'no_phone' }).snapshot.step).toBe('s2_ask');
  });

  it('says it is not sure, and offers the closest choices, for an answer it cannot place', () => {
    const { snapshot, text, replies } = play(atAsk(), T0, { type: 'text', text: 'banana bread' });
    expect(snapshot.step).toBe('s1');
    expect(text).toMatch(/I am not sure I understood\. Install an authenticator app/);
    const offered = replies.find((r) => r.kind === 'choices');
    expect(offered?.kind === 'choices' && offered.choices.length).toBeGreaterThanOrEqual(2);
    expect(text).not.toMatch(/Please answer with one of the choices/);
  });

  it('numbers a setup step once, in the stage, and gives the QR and code steps their pictures in the person\'s language', () => {
    const start = play(fresh('sv'), T0, { type: 'start', lang: 'sv' }, { type: 'choice', id: 'first_time_setup' }, { type: 'choice', id: 'at_s5' });
    const scan = start.replies.filter((r) => r.kind === 'choices').at(-1);
    expect(scan?.kind === 'choices' && scan.stage).toEqual({ at: 5, of: 9, label: 'Steg 5 av 9' });
    expect(scan?.kind === 'choices' && scan.prompt).not.toMatch(/Steg \d/);
    expect(scan?.kind === 'choices' && scan.picture).toEqual({ name: 'scan_qr', alt: 'En telefon vars kamera riktas mot en QR-kod på en datorskärm' });
    const code = play(start.snapshot, T0, { type: 'choice', id: 'done' }).replies.find((r) => r.kind === 'choices');
    expect(code?.kind === 'choices' && code.stage?.label).toBe('Steg 6 av 9');
    expect(code?.kind === 'choices' && code.picture?.name).toBe('code_entry');
    const s4 = play(fresh('sv'), T0, { type: 'start', lang: 'sv' }, { type: 'choice', id: 'first_time_setup' }, { type: 'choice', id: 'at_s4' }).replies.filter((r) => r.kind === 'choices').at(-1);
    expect(s4?.kind === 'choices' && s4.stage?.at).toBe(4);
    expect(s4?.kind === 'choices' && s4.picture).toBeUndefined();
  });

  it('handles empty, blank, unreadable and huge input without losing the conversation', () => {
    const s = atAsk();
    expect(play(s, T0, { type: 'text', text: '' }).text).toMatch(/empty message/);
    expect(play(s, T0, { type: 'text', text: ' \t ' }).text).toMatch(/empty message/);
    const binary = play(s, T0, { type: 'text', text: '\u0000\u0001\u0002\ufffd\u0007' });
    expect(binary.text).toMatch(/no readable text/);
    expect(binary.snapshot.step).toBe('s1');
    const huge = play(s, T0, { type: 'text', text: 'x'.repeat(100_000) });
    expect(huge.text).toMatch(/first 2000 characters/);
    expect(huge.snapshot.step).toBe('s1');
    expect(JSON.stringify(huge.snapshot).length).toBeLessThan(4000);
  });

  it('warns about a TOTP secret or otpauth URI and never stores it', () => {
    const s = atAsk();
    for (const secret of ['JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'my key is MG76 KQXW 4M5R I4D2 O4WK FYC5', 'otpauth://totp/UPPMAX:alice?secret=JBSWY3DPEHPK3PXP']) {
      const r = play(s, T0, { type: 'text', text: secret });
      expect(r.text).toMatch(/Never share it/);
      const stored = JSON.stringify(r.snapshot);
      expect(stored).not.toContain('JBSWY3DP');
      expect(stored).not.toContain('MG76');
      expect(r.snapshot.step).toBe('s1');
    }
    expect(play(s, T0, { type: 'text', text: 'authentication' }).text).not.toMatch(/Never share it/);
  });
});

describe('checks and codes', () => {
  const atCode = () => {
    let s = play(fresh(), T0, { type: 'start' }, { type: 'topic', flow: 'code_rejected' }, { type: 'text', text: 'alice' }).snapshot;
    s = play(s, T0, { type: 'checked', result: result('account', 'account.found', 'pass', { username: 'alice', status: 'active' }, 'en') }).snapshot;
    return play(s, T0, { type: 'checked', result: result('token', 'token.active', 'pass', { state: 'active' }, 'en') }).snapshot;
  };

  it('asks for each check and routes by its outcome', () => {
    const r1 = transition(env(T0), play(fresh(), T0, { type: 'topic', flow: 'code_rejected' }).snapshot, { type: 'text', text: 'alice' });
    expect(r1.effect).toEqual({ type: 'check', check: 'account' });
    expect(r1.snapshot.subject.user).toBe('alice');
    const s = atCode();
    expect(s.step).toBe('code');
    expect(s.findings.map((f) => f.code)).toEqual(['account.found', 'token.active']);
  });

  it('passes a code to the check but never keeps it', () => {
    const r = transition(env(T0), atCode(), { type: 'text', text: '123 456' });
    expect(r.effect).toEqual({ type: 'check', check: 'code', code: '123456' });
    expect(JSON.stringify(r.snapshot)).not.toContain('123456');
    expect(JSON.stringify(r.snapshot)).not.toContain('123 456');
    expect(r.snapshot.transcript.at(-1)?.[2]).toBe('[code]');
  });

  it('notices the same failed code typed again at once, seconds or minutes later, without asking the API', () => {
    let s = atCode();
    s = transition(env(T0), s, { type: 'text', text: '123456' }).snapshot;
    s = play(s, T0, { type: 'checked', result: result('code', 'code.invalid', 'fail', { offsetSteps: null }, 'en') }).snapshot;
    expect(s.step).toBe('code_again');
    for (const later of [10_000, 95_000, 9 * 60_000]) {
      const again = transition(env(T0 + later), s, { type: 'text', text: '123 456' });
      expect(again.effect).toBeUndefined();
      expect(again.replies.map((r) => (r.kind === 'text' ? r.text : '')).join(' ')).toMatch(/same code you typed before.*changes every 30 seconds/);
      expect(again.snapshot.step).toBe('code_again');
    }
    const other = transition(env(T0 + 95_000), s, { type: 'text', text: '654321' });
    expect(other.effect).toEqual({ type: 'check', check: 'code', code: '654321' });
  });

  it('says so at once when the person says they typed the first code, and never asks for codes for ever', () => {
    const said = play(atCode(), T0, { type: 'text', text: 'I typed the code I got when I set it up' });
    expect(said.text).toMatch(/first code you saw when you set it up worked only then/);
    expect(said.snapshot.step).toBe('code');
    // Two codes that match nothing, then the clock: not a third "try another code?".
    let s = atCode();
    for (const code of ['111111', '222222', '333333']) {
      s = transition(env(T0), s, { type: 'text', text: code }).snapshot;
      s = play(s, T0, { type: 'checked', result: result('code', 'code.invalid', 'fail', { offsetSteps: null }, 'en') }).snapshot;
      if (s.step !== 'code_again') break;
    }
    expect(s.step).toBe('time');
  });

  it('rejects what is not a code, and lets the person skip', () => {
    const bad = play(atCode(), T0, { type: 'text', text: '12ab56' });
    expect(bad.text).toMatch(/6 digits/);
    expect(bad.snapshot.step).toBe('code');
    expect(play(atCode(), T0, { type: 'text', text: 'skip' }).snapshot.step).toBe('time');
  });

  it('shows check data in messages: how long a token has waited', () => {
    let s = play(fresh(), T0, { type: 'topic', flow: 'token_not_active' }, { type: 'text', text: 'bob' }).snapshot;
    s = play(s, T0, { type: 'checked', result: result('account', 'account.found', 'pass', { username: 'bob', status: 'active' }, 'en') }).snapshot;
    const r = play(s, T0, { type: 'checked', result: result('token', 'token.pending', 'warn', { state: 'pending', registeredAt: 'x', minutesSinceRegistration: 7 }, 'en') });
    expect(r.text).toContain('registered 7 minutes ago');
    // Then the offer to be told when it is active; yes keeps a watch, and the conversation ends.
    expect(r.text).toMatch(/Shall I tell you here when it is active\?/);
    const yes = play(r.snapshot, T0, { type: 'text', text: 'yes please' });
    expect(yes.effect).toEqual({ type: 'watch' });
    const kept = play(yes.snapshot, T0, { type: 'watched', created: true });
    expect(kept.text).toMatch(/I will tell you here as soon as your token is active/);
    expect(kept.snapshot.status).toBe('ended');
    s = kept.snapshot;
  });

  it('hands over with a ticket and ends; urgent for a token the person did not register', () => {
    let s = play(fresh(), T0, { type: 'topic', flow: 'nothing_received' }).snapshot;
    // A takeover ticket names the account: it is asked for first.
    const asked = transition(env(T0), s, { type: 'choice', id: 'not_me' });
    expect(asked.replies.map(replyText).join('\n')).toMatch(/act on your account at once: what is your UPPMAX username/);
    const r = transition(env(T0), asked.snapshot, { type: 'text', text: 'alice' });
    expect(r.effect).toEqual({ type: 'escalate', urgent: true, attach: ['transcript', 'checks'] });
    expect(r.snapshot.subject.user).toBe('alice');
    s = r.snapshot;
    const done = play(s, T0, { type: 'escalated', ticket: 'HD-ABC123' });
    expect(done.text).toMatch(/URGENT.*HD-ABC123/s);
    // A hand-over is a state: what follows is about this ticket.
    expect(done.snapshot.status).toBe('handed');
    expect(play(s, T0, { type: 'escalated', ticket: null }).text).toMatch(/could not file a ticket/);
  });

  it('a note for support is kept as written, even when it reads like another topic', () => {
    const r = play(fresh(), T0, { type: 'topic', flow: 'human' }, { type: 'text', text: 'skip' }, { type: 'text', text: "my code doesn't work since I got a new phone" });
    expect(r.snapshot.note).toBe("my code doesn't work since I got a new phone");
    expect(play(r.snapshot, T0, { type: 'text', text: 'here' }).effect).toMatchObject({ type: 'escalate' });
  });

  it('snapshots are plain versioned JSON that round-trips', () => {
    const s = atCode();
    const back = Snapshot.parse(JSON.parse(JSON.stringify(s)));
    expect(back).toEqual(s);
    expect(back.v).toBe(2);
  });
});
