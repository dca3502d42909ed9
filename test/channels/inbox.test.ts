// The inbox every channel that acks before it answers shares (Slack, Discord): accepted once on any
// replica, under the channel's own keys; refused as 'store.unavailable' when the store fails (so the
// ack is refused and the platform sends again); left alone while a live replica may still run it,
// then claimed by exactly one replica; and looked for on a timer. Two replicas on the local
// PostgreSQL; how Slack and Discord run what they claim is in slack-inbox.test.ts and
// discord-resume.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INBOX_LOOK_EVERY_MS, INBOX_RESUME_AFTER_MS, Inbox } from '../../src/channels/shared/inbox.ts';
import { loadConfig } from '../../src/config.ts';
import { HelpdeskError, isHelpdeskError } from '../../src/errors.ts';
import { createHelpdesk, type Helpdesk } from '../../src/main.ts';
import type { InboxEvent, SeenEvents } from '../../src/ports/store.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { isolated } from '../helpers/shared-services.ts';

const iso = isolated();
let a: Helpdesk;
let b: Helpdesk;
const replica = () => createHelpdesk(loadConfig({ PORT: '0', DATA_DIR: tempDataDir(), DNS_SERVERS: '127.0.0.1:9', ...iso.env }), { log: recordingLogger() });
beforeAll(async () => {
  [a, b] = await Promise.all([replica(), replica()]);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await iso.drop();
});

const clockAt = (ms: number) => ({ now: () => ms });
const dm = (n: number): InboxEvent => ({ conversationId: `chan:D${n}:U${n}`, event: { type: 'text', text: `hello ${n}` }, to: { channel: `D${n}`, user: `U${n}` } });

describe('accepting', () => {
  it('an event is accepted once across replicas; the second is dropped and logged; channels keep their own keys', async () => {
    const log = recordingLogger();
    const onA = new Inbox(a.store, 'alpha', log, clockAt(0));
    const onB = new Inbox(b.store, 'alpha', log, clockAt(0));
    const other = new Inbox(b.store, 'beta', log, clockAt(0));
    expect(onA.key('Ev1')).toBe('alpha:Ev1');
    const results = await Promise.all([onA.accept('Ev1', dm(1)), onB.accept('Ev1', dm(1))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(log.lines.filter((l) => l.message === 'alpha: duplicate event dropped')).toEqual([expect.objectContaining({ level: 'info', fields: { event: 'Ev1' } })]);
    // The same platform id on another channel is another event.
    expect(await other.accept('Ev1', dm(1))).toBe(true);
  });

  it('a store that fails refuses the event as store.unavailable, so the channel refuses the ack', async () => {
    const broken: SeenEvents = {
      markSeen: () => Promise.reject(new Error('down')),
      wasSeen: () => Promise.reject(new Error('down')),
      accept: () => Promise.reject(Object.assign(new Error('connection terminated'), { code: '57P01' })),
      acceptAll: () => Promise.reject(Object.assign(new Error('connection terminated'), { code: '57P01' })),
      done: () => Promise.reject(new Error('down')),
      claim: () => Promise.reject(new Error('down')),
    };
    const err = await new Inbox(broken, 'alpha', recordingLogger(), clockAt(0)).accept('Ev2', dm(2)).catch((e: unknown) => e);
    expect(isHelpdeskError(err, 'store.unavailable')).toBe(true);
    expect((err as HelpdeskError).message).toContain('alpha: event Ev2');
  });
});

/** The replica's store, counting the inbox's writes (and failing them while `failing`). */
function counted(store: SeenEvents) {
  const writes: string[][] = [];
  const seen: SeenEvents & { writes: string[][]; failing: boolean } = {
    writes,
    failing: false,
    markSeen: (key, now) => store.markSeen(key, now),
    wasSeen: (key) => store.wasSeen(key),
    accept: () => Promise.reject(new Error('the inbox writes its events together')),
    acceptAll: (events, now) => {
      writes.push(events.map((e) => e.key));
      return seen.failing ? Promise.reject(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' })) : store.acceptAll(events, now);
    },
    done: (key, now) => store.done(key, now),
    claim: (...args) => store.claim(...args),
  };
  return seen;
}

describe('events that arrive together', () => {
  it('share one insert: both rows are written, both accepted, and another replica finds them taken', async () => {
    const seen = counted(a.store);
    const inbox = new Inbox(seen, 'eta', recordingLogger(), clockAt(0));
    expect(await Promise.all([inbox.accept('Ev1', dm(1)), inbox.accept('Ev2', dm(2))])).toEqual([true, true]);
    expect(seen.writes).toEqual([['eta:Ev1', 'eta:Ev2']]);
    expect(await b.store.wasSeen('eta:Ev1')).toBe(true);
    expect(await b.store.wasSeen('eta:Ev2')).toBe(true);
    // A retry of either, alone or together with a new one, is dropped; the new one is taken.
    expect(await Promise.all([inbox.accept('Ev2', dm(2)), inbox.accept('Ev3', dm(3))])).toEqual([false, true]);
    expect(seen.writes).toHaveLength(2);
  });

  it('the same event twice among them (a quick retry) is taken once', async () => {
    const log = recordingLogger();
    const seen = counted(a.store);
    const inbox = new Inbox(seen, 'theta', log, clockAt(0));
    expect(await Promise.all([inbox.accept('Ev1', dm(1)), inbox.accept('Ev1', dm(1))])).toEqual([true, false]);
    expect(seen.writes).toEqual([['theta:Ev1']]);
    expect(log.lines.filter((l) => l.message === 'theta: duplicate event dropped')).toHaveLength(1);
  });

  it('an insert that fails accepts neither (each refused as store.unavailable, so neither is acked), and nothing is written', async () => {
    const seen = counted(a.store);
    seen.failing = true;
    const inbox = new Inbox(seen, 'iota', recordingLogger(), clockAt(0));
    const outcomes = await Promise.allSettled([inbox.accept('Ev1', dm(1)), inbox.accept('Ev2', dm(2))]);
    expect(seen.writes).toEqual([['iota:Ev1', 'iota:Ev2']]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    for (const [n, o] of outcomes.entries()) {
      const err = (o as PromiseRejectedResult).reason as HelpdeskError;
      expect(isHelpdeskError(err, 'store.unavailable')).toBe(true);
      expect(err.message).toContain(`iota: event Ev${n + 1}`);
    }
    expect(await a.store.wasSeen('iota:Ev1')).toBe(false);
    // Sent again (the platform does, without an ack), they are taken.
    seen.failing = false;
    expect(await Promise.all([inbox.accept('Ev1', dm(1)), inbox.accept('Ev2', dm(2))])).toEqual([true, true]);
  });
});

describe('claiming what a replica left', () => {
  it('nothing while a live replica may still run it; then each event to one replica, leased; done ones never again', async () => {
    const t0 = Date.now();
    const log = recordingLogger();
    const left = new Inbox(a.store, 'gamma', log, clockAt(t0));
    for (let n = 0; n < 6; n++) expect(await left.accept(`Ev${n}`, dm(n))).toBe(true);
    await left.done(left.key('Ev5'));
    const onA = new Inbox(a.store, 'gamma', log, clockAt(t0));
    const onB = new Inbox(b.store, 'gamma', log, clockAt(t0));
    expect(await onA.claim(t0 + INBOX_RESUME_AFTER_MS - 5_000)).toEqual([]);
    const later = t0 + INBOX_RESUME_AFTER_MS + 1_000;
    const [ca, cb] = await Promise.all([onA.claim(later), onB.claim(later)]);
    const keys = [...ca, ...cb].map((c) => c.key).sort();
    expect(keys).toEqual(['gamma:Ev0', 'gamma:Ev1', 'gamma:Ev2', 'gamma:Ev3', 'gamma:Ev4']);
    expect([...ca, ...cb].find((c) => c.key === 'gamma:Ev0')?.payload).toEqual(dm(0));
    // Leased: nobody takes them again meanwhile. The ones done are gone; the rest come back when the lease runs out.
    expect(await onB.claim(later + INBOX_RESUME_AFTER_MS - 1_000)).toEqual([]);
    for (const k of keys.filter((k) => k !== 'gamma:Ev3')) await onA.done(k);
    expect((await onB.claim(later + INBOX_RESUME_AFTER_MS + 1_000)).map((c) => c.key)).toEqual(['gamma:Ev3']);
  });

  it('looks every INBOX_LOOK_EVERY_MS until stopped; a look that fails is logged with channel.inbox and the next one still comes', async () => {
    vi.useFakeTimers();
    try {
      const log = recordingLogger();
      const inbox = new Inbox(a.store, 'delta', log, clockAt(0));
      const looks: number[] = [];
      inbox.watch(async () => {
        looks.push(looks.length);
        if (looks.length === 1) throw new Error('store away');
        return 0;
      });
      inbox.watch(async () => 0); // a second watch does not add a timer
      await vi.advanceTimersByTimeAsync(INBOX_LOOK_EVERY_MS * 3);
      expect(looks).toEqual([0, 1, 2]);
      expect(log.lines.filter((l) => l.level === 'error')).toEqual([expect.objectContaining({ message: 'delta: the inbox could not be read', fields: expect.objectContaining({ code: 'channel.inbox' }) })]);
      inbox.stop();
      await vi.advanceTimersByTimeAsync(INBOX_LOOK_EVERY_MS * 3);
      expect(looks).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
