// Zammad as a ticket sink, against a contract server that answers the documented shapes of Zammad's
// REST API (test/peers/zammad.ts cites each): the ticket with the person as customer, priority and
// first article; a follow-up as an article on the same ticket; nothing twice when repeated; the state
// read back; an unproved address never made the customer; Zammad down, slow or refusing (the ticket
// waits in the outbox with a log line and a metric, and goes once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteDb } from '../../src/adapters/sql/db.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { TicketQueue } from '../../src/adapters/ticket-queue.ts';
import { ZammadTicketDelivery } from '../../src/adapters/ticket-zammad.ts';
import type { Ticket } from '../../src/ports/tickets.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { startZammad, ZAMMAD_TOKEN, type ZammadPeer } from '../peers/zammad.ts';

const base = (over: Partial<Ticket> = {}): Ticket => ({
  conversationId: 'slack:T1:U1',
  urgent: false,
  lang: 'sv',
  subject: { user: 'erik', email: 'erik@example.org', identity: 'slack-email' },
  note: 'koden godtas inte',
  transcript: ['u: koden godtas inte'],
  findings: [{ id: 'token', status: 'fail', code: 'token.disabled', summary: 'The token is disabled.', data: {} }],
  createdAt: new Date(0).toISOString(),
  ...over,
});

let zammad: ZammadPeer;
beforeAll(async () => {
  zammad = await startZammad();
});
afterAll(async () => {
  await zammad?.close();
});

const sink = (over: { token?: string; group?: string; timeoutMs?: number } = {}) =>
  new ZammadTicketDelivery({ url: zammad.url, token: over.token ?? ZAMMAD_TOKEN, group: over.group ?? 'Users', anonymousCustomer: 'anonymous@helpdesk.invalid', centre: 'UPPMAX', timeoutMs: over.timeoutMs ?? 2000 });

describe('Zammad as a ticket sink', () => {
  it('files the ticket with the person as customer, follow-ups as articles on it, and reads the state back', async () => {
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    const queue = new TicketQueue(store.db, [sink()], { now: () => Date.now() }, recordingLogger());
    try {
      const { reference } = await queue.open(base({ urgent: true }));
      await queue.drain();
      const mine = zammad.tickets.filter((t) => t.title.includes(`[${reference}]`));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ customer: 'erik@example.org', priority_id: 3, group: 'Users' });
      const first = zammad.articles.filter((a) => a.ticket_id === mine[0]!.id);
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ type: 'note', internal: true, content_type: 'text/plain' });
      expect(first[0]!.body).toContain('token.disabled');

      const follow = await queue.open(base({ relatesTo: reference, note: 'fortfarande' }));
      await queue.drain();
      expect(zammad.tickets.filter((t) => t.title.includes(follow.reference))).toHaveLength(0);
      expect(zammad.articles.filter((a) => a.ticket_id === mine[0]!.id)).toHaveLength(2);

      expect(await queue.status(reference)).toMatchObject({ reference, sink: 'zammad', state: 'new' });
      zammad.setState(mine[0]!.id, 'pending reminder');
      expect(await queue.status(follow.reference)).toMatchObject({ reference, state: 'waiting' });
      zammad.setState(mine[0]!.id, 'closed');
      expect((await queue.status(reference))?.state).toBe('closed');
    } finally {
      await store.close();
    }
  });

  it('files nothing twice when a delivery is repeated', async () => {
    const s = sink();
    const a = await s.deliver('HD-ZTWIC2', base(), {});
    const b = await s.deliver('HD-ZTWIC2', base(), {});
    expect(b.externalId).toBe(a.externalId);
    await s.deliver('HD-ZTWIC3', base({ relatesTo: 'HD-ZTWIC2' }), { parent: { reference: 'HD-ZTWIC2', externalId: a.externalId! } });
    await s.deliver('HD-ZTWIC3', base({ relatesTo: 'HD-ZTWIC2' }), { parent: { reference: 'HD-ZTWIC2', externalId: a.externalId! } });
    expect(zammad.tickets.filter((t) => t.title.includes('HD-ZTWIC2'))).toHaveLength(1);
    expect(zammad.articles.filter((x) => x.ticket_id === Number(a.externalId))).toHaveLength(2);
  });

  it('never makes an unproved address the customer: the stand-in, and the ticket says so', async () => {
    const { externalId } = await sink().deliver('HD-ZANON2', base({ subject: { email: 'kapad@example.org', identity: 'claimed', ip: '203.0.113.9' }, urgent: true }), {});
    const t = zammad.tickets.find((x) => x.id === Number(externalId))!;
    expect(t.customer).toBe('anonymous@helpdesk.invalid');
    const body = zammad.articles.find((a) => a.ticket_id === t.id)!.body;
    expect(body).toContain('kapad@example.org (NOT proved');
    expect(body).toContain('stand-in');
  });

  it('keeps the ticket while Zammad is down, slow or refusing, with a log line and a metric, and files it once after', async () => {
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    const counted: string[] = [];
    const log = recordingLogger();
    let now = 2_000_000_000_000;
    const metrics = { count: (_n: string, l?: Record<string, string>) => void counted.push(`${l?.sink}:${l?.outcome}`), observe: () => {} };
    const queue = new TicketQueue(store.db, [sink({ timeoutMs: 300 })], { now: () => now }, log, undefined, metrics);
    try {
      zammad.down = true;
      const { reference } = await queue.open(base());
      await queue.drain();
      zammad.down = false;
      zammad.delayMs = 1000;
      now += 60_000;
      await queue.drain();
      zammad.delayMs = 0;
      zammad.groups.splice(0, zammad.groups.length, 'Support');
      now += 60_000;
      await queue.drain();
      expect((await queue.get(reference))?.deliveredAt).toBeNull();
      expect(counted).toEqual(['zammad:failed', 'zammad:failed', 'zammad:failed']);
      const failures = log.lines.filter((l) => l.fields?.code === 'ticket.sink-failed');
      expect(failures.map((l) => String(l.fields?.detail))).toEqual([expect.stringContaining('HTTP 503'), expect.stringContaining('no answer in 300 ms'), expect.stringContaining('HTTP 422')]);
      zammad.groups.push('Users');
      now += 10 * 60_000;
      await queue.drain();
      await queue.drain();
      expect((await queue.get(reference))?.deliveredAt).not.toBeNull();
      expect(zammad.tickets.filter((t) => t.title.includes(reference))).toHaveLength(1);
    } finally {
      zammad.down = false;
      zammad.delayMs = 0;
      if (!zammad.groups.includes('Users')) zammad.groups.push('Users');
      await store.close();
    }
  });

  it('a customer Zammad refuses: filed once with the stand-in, the ticket says so, and the log has the code', async () => {
    const log = recordingLogger();
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    const queue = new TicketQueue(store.db, [new ZammadTicketDelivery({ url: zammad.url, token: ZAMMAD_TOKEN, group: 'Users', anonymousCustomer: 'anonymous@helpdesk.invalid', centre: 'UPPMAX', timeoutMs: 2000, log })], { now: () => Date.now() }, log);
    zammad.refusedCustomers.push('erik@example.org');
    try {
      const { reference } = await queue.open(base());
      await queue.drain();
      expect((await queue.get(reference))?.deliveredAt).not.toBeNull();
      const mine = zammad.tickets.filter((t) => t.title.includes(`[${reference}]`));
      expect(mine).toHaveLength(1);
      expect(mine[0]!.customer).toBe('anonymous@helpdesk.invalid');
      const body = zammad.articles.find((a) => a.ticket_id === mine[0]!.id)?.body ?? '';
      expect(body).toContain('Zammad would not take erik@example.org');
      expect(log.lines.some((l) => l.fields?.code === 'ticket.requestor-refused' && l.fields?.ticket === reference)).toBe(true);
    } finally {
      zammad.refusedCustomers.splice(0);
      await store.close();
    }
  });

  it('a wrong token is a failure the outbox retries, never a ticket lost', async () => {
    await expect(sink({ token: 'wrong-token-123' }).deliver('HD-ZAUTH2', base(), {})).rejects.toMatchObject({ code: 'upstream.unavailable', status: 401 });
  });
});
