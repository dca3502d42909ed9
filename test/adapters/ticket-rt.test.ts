// Request Tracker 5 as a ticket sink, against the real RT from Debian on loopback (test/peers/
// request-tracker.ts): a ticket with the person as requestor, its priority and first message; a
// follow-up as a comment on the same ticket; nothing twice when a delivery is repeated; the status read
// back; RT down, answering 503 or too slowly (the ticket waits and goes once); a requestor RT will not take; and the mail sink through
// RT's own mail gateway (rt-mailgate), where Reply-To makes the person the requestor, not the bot.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteDb } from '../../src/adapters/sql/db.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { MailTicketDelivery } from '../../src/adapters/ticket-mail.ts';
import { TicketQueue } from '../../src/adapters/ticket-queue.ts';
import { RtTicketDelivery } from '../../src/adapters/ticket-rt.ts';
import type { Mail } from '../../src/ports/mailer.ts';
import type { Ticket } from '../../src/ports/tickets.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { RT_PASSWORD, RT_USER, startRt, type RtPeer } from '../peers/request-tracker.ts';
import { json, startHttpServer } from '../peers/http-server.ts';

interface RtTicket {
  id: number;
  Subject: string;
  Status: string;
  Priority: string;
  Requestor: Array<{ id: string }>;
}
interface Items {
  count: number;
  items: Array<{ id: string }>;
}

const base = (over: Partial<Ticket> = {}): Ticket => ({
  conversationId: 'web:rt-1',
  urgent: false,
  lang: 'en',
  subject: { user: 'alice', email: 'alice@example.org', identity: 'email', ip: '192.0.2.10' },
  note: 'codes are refused since my new phone',
  transcript: ['u: my codes are refused', 'b: Your device is 94 s behind.'],
  findings: [{ id: 'clock', status: 'fail', code: 'clock.skewed', summary: 'The device is 94 s behind.', data: {} }],
  createdAt: new Date(0).toISOString(),
  ...over,
});

let rt: RtPeer;
beforeAll(async () => {
  rt = await startRt();
}, 120_000);
afterAll(async () => {
  await rt?.close();
});

function setup(metrics: Array<[string, Record<string, string> | undefined]> = []) {
  const log = recordingLogger();
  const sink = new RtTicketDelivery({ url: rt.url, queue: 'General', auth: { user: RT_USER, password: RT_PASSWORD }, priority: 50, urgentPriority: 90, followUp: 'comment', centre: 'UPPMAX', timeoutMs: 60_000 }, log);
  return { log, sink, metrics: { count: (name: string, labels?: Record<string, string>) => void metrics.push([name, labels]), observe: () => {} } };
}

async function ticketsFor(reference: string): Promise<Items> {
  return rt.rest<Items>('GET', `tickets?query=${encodeURIComponent(`Subject LIKE '[${reference}]'`)}`);
}

async function transactions(id: string, type: string): Promise<Items> {
  return rt.rest<Items>('POST', 'transactions', [
    { field: 'ObjectType', value: 'RT::Ticket' },
    { field: 'ObjectId', value: Number(id) },
    { field: 'Type', value: type },
  ]);
}

// RT on SQLite answers in tens of milliseconds on a quiet machine and in seconds on a loaded one; a
// restart takes a few seconds. The limits are generous so load never fails a test.
describe('Request Tracker as a ticket sink', { timeout: 180_000 }, () => {
  it('files the ticket with the person as requestor and urgency as priority, follow-ups as comments on it, and reads the status back', async () => {
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    const { sink, log } = setup();
    const queue = new TicketQueue(store.db, [sink], { now: () => Date.now() }, log);
    try {
      const { reference } = await queue.open(base({ urgent: true }));
      await queue.drain();
      const found = await ticketsFor(reference);
      expect(found.count).toBe(1);
      const id = found.items[0]!.id;
      const filed = await rt.rest<RtTicket>('GET', `ticket/${id}`);
      expect(filed.Requestor.map((r) => r.id)).toEqual(['alice@example.org']);
      expect(filed.Priority).toBe('90');
      expect(filed.Subject).toContain(`[${reference}]`);
      const create = await transactions(id, 'Create');
      const first = await rt.rest<{ Content?: string; _hyperlinks: Array<{ ref: string; _url: string }> }>('GET', `transaction/${create.items[0]!.id}`);
      expect(first._hyperlinks.some((h) => h.ref === 'attachment')).toBe(true);

      const followUp = await queue.open(base({ relatesTo: reference, note: 'still refused after fixing the clock', transcript: ['u: still refused'] }));
      await queue.drain();
      expect((await ticketsFor(reference)).count).toBe(1);
      expect((await ticketsFor(followUp.reference)).count).toBe(0);
      expect((await transactions(id, 'Comment')).count).toBe(1);
      expect((await queue.get(followUp.reference))?.deliveredAt).not.toBeNull();

      expect(await queue.status(reference)).toMatchObject({ reference, sink: 'rt', state: 'new' });
      await rt.rest('PUT', `ticket/${id}`, { Status: 'resolved' });
      // The follow-up's reference names the same ticket.
      expect(await queue.status(followUp.reference)).toMatchObject({ reference, state: 'resolved' });
    } finally {
      await store.close();
    }
  });

  it('files nothing twice when a delivery is repeated (a replica that died before writing it down)', async () => {
    const { sink } = setup();
    const reference = 'HD-TWICE2';
    const first = await sink.deliver(reference, base(), {});
    const again = await sink.deliver(reference, base(), {});
    expect(again.externalId).toBe(first.externalId);
    expect((await ticketsFor(reference)).count).toBe(1);
    const follow = base({ relatesTo: reference });
    await sink.deliver('HD-TWICE3', follow, { parent: { reference, externalId: first.externalId! } });
    await sink.deliver('HD-TWICE3', follow, { parent: { reference, externalId: first.externalId! } });
    expect((await transactions(first.externalId!, 'Comment')).count).toBe(1);
  });

  it('never makes an unproved address the requestor, and the ticket says it is not proved', async () => {
    const { sink } = setup();
    const { externalId } = await sink.deliver('HD-UNPRV2', base({ subject: { email: 'someone@example.org', identity: 'claimed', ip: '198.51.100.7' }, urgent: true }), {});
    const filed = await rt.rest<RtTicket>('GET', `ticket/${externalId}`);
    expect(filed.Requestor).toEqual([]);
    const create = await transactions(externalId!, 'Create');
    const attachments = await rt.rest<Items>('POST', 'attachments', [{ field: 'TransactionId', value: Number(create.items[0]!.id) }]);
    const texts = await Promise.all(attachments.items.map((a) => rt.rest<{ Content?: string }>('GET', `attachment/${a.id}`)));
    const content = texts.map((t) => Buffer.from(t.Content ?? '', 'base64').toString('utf8')).join('\n');
    expect(content).toContain('someone@example.org (NOT proved');
  });

  it('files a ticket whose requestor RT will not take without one, says so in the ticket, and logs the code', async () => {
    const { sink, log } = setup();
    const { externalId } = await sink.deliver('HD-REFUS2', base({ subject: { user: 'bob', email: 'not an address', identity: 'email' } }), {});
    const filed = await rt.rest<RtTicket>('GET', `ticket/${externalId}`);
    expect(filed.Requestor).toEqual([]);
    expect((await transactions(externalId!, 'Comment')).count).toBe(1);
    expect(log.lines.some((l) => l.fields?.code === 'ticket.requestor-refused')).toBe(true);
  });

  it('keeps a ticket while RT is down, with a log line and a metric, and files it once when RT is back', async () => {
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    const counted: Array<[string, Record<string, string> | undefined]> = [];
    const { sink, log, metrics } = setup(counted);
    let now = 1_000_000_000_000;
    const queue = new TicketQueue(store.db, [sink], { now: () => now }, log, undefined, metrics);
    await rt.stop();
    try {
      const { reference } = await queue.open(base());
      await queue.drain();
      expect((await queue.get(reference))?.deliveredAt).toBeNull();
      expect(log.lines.some((l) => l.fields?.code === 'ticket.sink-failed' && l.fields.sink === 'rt')).toBe(true);
      expect(counted).toContainEqual(['helpdesk_ticket_deliveries_total', { sink: 'rt', outcome: 'failed' }]);
      await rt.start();
      now += 60_000;
      await queue.drain();
      expect((await queue.get(reference))?.deliveredAt).not.toBeNull();
      await queue.drain();
      expect((await ticketsFor(reference)).count).toBe(1);
    } finally {
      await rt.start();
      await store.close();
    }
  });

  it('keeps a ticket while RT answers 503 or too slowly, and files it once when RT answers again', async () => {
    // A proxy in front of the real RT: 503 (RT behind a load balancer with no backend), then slow
    // (RT does the work, the answer comes after the sink gave up), then passing everything through.
    let mode: '503' | 'slow' | 'pass' = '503';
    const proxy = await startHttpServer(async (req, res) => {
      if (mode === '503') return json(res, 503, { message: 'Service Unavailable' });
      let body = '';
      for await (const c of req) body += c;
      const answer = await fetch(`${rt.url}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: Object.fromEntries(['authorization', 'content-type'].filter((h) => req.headers[h]).map((h) => [h, String(req.headers[h])])),
        ...(body ? { body } : {}),
      });
      const text = await answer.text();
      if (mode === 'slow') await new Promise((r) => setTimeout(r, 10_000));
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    });
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    const counted: Array<[string, Record<string, string> | undefined]> = [];
    const log = recordingLogger();
    const sink = new RtTicketDelivery({ url: proxy.url, queue: 'General', auth: { user: RT_USER, password: RT_PASSWORD }, priority: 50, urgentPriority: 90, followUp: 'comment', centre: 'UPPMAX', timeoutMs: 8_000 }, log);
    let now = 1_000_000_000_000;
    const metrics = { count: (name: string, labels?: Record<string, string>) => void counted.push([name, labels]), observe: () => {} };
    const queue = new TicketQueue(store.db, [sink], { now: () => now }, log, undefined, metrics);
    const failures = () => counted.filter(([n, l]) => n === 'helpdesk_ticket_deliveries_total' && l?.sink === 'rt' && l.outcome === 'failed').length;
    try {
      const { reference } = await queue.open(base({ conversationId: 'web:rt-503' }));
      await queue.drain();
      expect((await queue.get(reference))?.deliveredAt).toBeNull();
      expect(failures()).toBe(1);
      expect(log.lines.filter((l) => l.fields?.code === 'ticket.sink-failed' && l.fields.sink === 'rt')).toHaveLength(1);
      expect((await ticketsFor(reference)).count).toBe(0);

      mode = 'slow';
      now += 60_000;
      await queue.drain();
      expect((await queue.get(reference))?.deliveredAt).toBeNull();
      expect(failures()).toBe(2);

      mode = 'pass';
      now += 600_000;
      await queue.drain();
      expect((await queue.get(reference))?.deliveredAt).not.toBeNull();
      expect(counted).toContainEqual(['helpdesk_ticket_deliveries_total', { sink: 'rt', outcome: 'delivered' }]);
      await queue.drain();
      // RT may have filed it while the proxy held its answer: found by its subject, not filed again.
      expect((await ticketsFor(reference)).count).toBe(1);
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  it('through the mail gateway: Reply-To makes the person the requestor, not the bot', async () => {
    const render = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const raw: string[] = [];
    const mailer = { send: async (m: Mail) => void raw.push(((await render.sendMail({ from: '2FA helpdesk <noreply@helpdesk.example>', ...m })).message as Buffer).toString()) };
    const mail = new MailTicketDelivery(mailer, { to: 'rt@helpdesk.test', centre: 'UPPMAX' });
    await mail.deliver('HD-MAILG2', base({ subject: { user: 'carol', email: 'carol@example.org', identity: 'email' } }), {});
    await rt.mailgate(raw[0]!);
    const found = await ticketsFor('HD-MAILG2');
    expect(found.count).toBe(1);
    const filed = await rt.rest<RtTicket>('GET', `ticket/${found.items[0]!.id}`);
    expect(filed.Requestor.map((r) => r.id)).toEqual(['carol@example.org']);
  });
});
