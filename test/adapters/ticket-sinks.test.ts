// Where hand-overs go: HANDOVER_SINK (several at once, zod-checked with the settings each needs), the
// mail sink's headers as a ticket system's mail gateway reads them (Reply-To only to a proved address,
// the subject tag, In-Reply-To and References on a follow-up; a real SMTP server on loopback), and the
// outbox on SQLite and on PostgreSQL, with two replicas draining at once: each sink gets each ticket
// and follow-up once, one failing sink keeps none of the others waiting, and a follow-up waits for its
// ticket in that sink.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/adapters/mailer.ts';
import { SqliteDb } from '../../src/adapters/sql/db.ts';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { MailTicketDelivery } from '../../src/adapters/ticket-mail.ts';
import { TicketQueue, type DeliveryContext, type TicketDelivery } from '../../src/adapters/ticket-queue.ts';
import { parseConfig } from '../../src/config.ts';
import type { Ticket } from '../../src/ports/tickets.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { DATABASE_URL, isolated } from '../helpers/shared-services.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';

const ticket = (over: Partial<Ticket> = {}): Ticket => ({
  conversationId: 'web:s',
  urgent: false,
  lang: 'sv',
  subject: { user: 'alice', email: 'alice@example.org', identity: 'email' },
  transcript: ['u: hjälp'],
  findings: [],
  createdAt: new Date(0).toISOString(),
  ...over,
});

describe('HANDOVER_SINK', () => {
  it('names one or more sinks; without it the older keys decide, and files when nothing else is set', () => {
    const sinks = (env: Record<string, string>) => {
      const r = parseConfig(env);
      return r.ok ? r.config.HANDOVER_SINKS : r.errors;
    };
    expect(sinks({})).toEqual(['file']);
    expect(sinks({ SMTP_URL: 'smtp://127.0.0.1:25' })).toEqual(['mail']);
    expect(sinks({ SMTP_URL: 'smtp://127.0.0.1:25', TICKET_DIR: '/tmp/t' })).toEqual(['file', 'mail']);
    expect(sinks({ HANDOVER_SINK: 'rt, mail,rt', RT_URL: 'https://rt.example.org', RT_TOKEN: '1-22-abcdefgh' })).toEqual(['rt', 'mail']);
    const r = parseConfig({ HANDOVER_SINK: 'rt,zammad,webhook' });
    expect(r.ok ? [] : r.errors.map((e) => e.split(':')[0])).toEqual(['TICKET_WEBHOOK_URL', 'RT_URL', 'RT_TOKEN', 'ZAMMAD_URL', 'ZAMMAD_TOKEN']);
    expect(sinks({ HANDOVER_SINK: 'jira' })).toEqual([expect.stringMatching(/^HANDOVER_SINK: expected one or more of mail, rt, zammad, webhook, file/)]);
    expect(sinks({ HANDOVER_SINK: 'file', TICKET_MAIL_SUBJECT_TAG: '[2FA]' })).toEqual([expect.stringMatching(/^TICKET_MAIL_SUBJECT_TAG: /)]);
  });

  it('never repeats an RT or Zammad secret in an error', () => {
    const r = parseConfig({ HANDOVER_SINK: 'rt,zammad', RT_URL: 'https://rt.example.org', RT_TOKEN: 'Zq81', ZAMMAD_URL: 'https://z.example.org', ZAMMAD_TOKEN: 'Zq82' });
    const all = r.ok ? '' : r.errors.join('\n');
    expect(all).toMatch(/RT_TOKEN: expected/);
    expect(all).toMatch(/ZAMMAD_TOKEN: expected/);
    expect(all).not.toContain('Zq8');
  });
});

describe('the mail sink', () => {
  let smtp: SmtpPeer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.stop();
  });

  it('replies to the proved address, tags the subject, and threads a follow-up by In-Reply-To and References', async () => {
    const mailer = new SmtpMailer(smtp.url, '2FA helpdesk <noreply@helpdesk.example>');
    const sink = new MailTicketDelivery(mailer, { to: 'support@example.org', centre: 'UPPMAX', subjectTag: '[2FA {reference}]' });
    try {
      await sink.deliver('HD-MAIL22', ticket(), {});
      await sink.deliver('HD-MAIL23', ticket({ relatesTo: 'HD-MAIL22' }), { parent: { reference: 'HD-MAIL22', externalId: null } });
      const first = await smtp.waitFor((m) => m.messageId === '<HD-MAIL22@2fa-helpdesk>');
      const second = await smtp.waitFor((m) => m.messageId === '<HD-MAIL23@2fa-helpdesk>');
      expect(first.replyTo?.value[0]?.address).toBe('alice@example.org');
      expect(first.subject).toMatch(/^\[2FA HD-MAIL22\] /);
      expect(second.subject).toMatch(/^Re: \[2FA HD-MAIL22\] follow-up HD-MAIL23/);
      expect(second.inReplyTo).toBe('<HD-MAIL22@2fa-helpdesk>');
      expect(second.references).toEqual('<HD-MAIL22@2fa-helpdesk>');
    } finally {
      mailer.close();
    }
  });

  it('gives no Reply-To for an address the person did not prove, and the ticket says so', async () => {
    const mailer = new SmtpMailer(smtp.url, '2FA helpdesk <noreply@helpdesk.example>');
    const sink = new MailTicketDelivery(mailer, { to: 'support@example.org', centre: 'UPPMAX' });
    try {
      await sink.deliver('HD-MAIL24', ticket({ subject: { email: 'mallory@example.org', identity: 'claimed' }, urgent: true }), {});
      const mail = await smtp.waitFor((m) => m.messageId === '<HD-MAIL24@2fa-helpdesk>');
      expect(mail.replyTo).toBeUndefined();
      expect(mail.text).toContain('mallory@example.org (NOT proved');
      expect(mail.text).toContain('Send it nothing but the reference, no transcript or findings');
    } finally {
      mailer.close();
    }
  });

  it('says in the ticket that a person without an address asked to be answered in the chat, with no Reply-To', async () => {
    const mailer = new SmtpMailer(smtp.url, '2FA helpdesk <noreply@helpdesk.example>');
    const sink = new MailTicketDelivery(mailer, { to: 'support@example.org', centre: 'UPPMAX' });
    try {
      await sink.deliver('HD-MAIL25', ticket({ subject: {}, reachInChat: true, urgent: true }), {});
      const mail = await smtp.waitFor((m) => m.messageId === '<HD-MAIL25@2fa-helpdesk>');
      expect(mail.replyTo).toBeUndefined();
      expect(mail.text).toContain('E-mail: (none: the person asked to be answered in the chat');
    } finally {
      mailer.close();
    }
  });
});

const stores = [
  { name: 'SQLite', open: async () => ({ store: await SqlStore.open(SqliteDb.open(tempDataDir())), drop: async () => {} }) },
  {
    name: 'PostgreSQL',
    open: async () => {
      const iso = isolated();
      return { store: await SqlStore.open(await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: recordingLogger() })), drop: () => iso.drop() };
    },
  },
];

describe.each(stores)('the outbox with several sinks ($name)', ({ open }) => {
  it('gives each sink each ticket and follow-up once; one sink down keeps the others from nothing, and a follow-up waits for its ticket there', async () => {
    const { store, drop } = await open();
    let now = 1_000_000;
    const got: Record<string, Array<[string, DeliveryContext]>> = { a: [], b: [] };
    let bDown = true;
    const sink = (name: 'a' | 'b'): TicketDelivery => ({
      name,
      deliver: async (reference, _t, ctx) => {
        if (name === 'b' && bDown) throw new Error('refused');
        got[name]!.push([reference, ctx]);
        return { externalId: `${name}-${reference}` };
      },
    });
    // Two replicas on the same store, draining at the same moments.
    const queue = new TicketQueue(store.db, [sink('a'), sink('b')], { now: () => now }, recordingLogger());
    const other = new TicketQueue(store.db, [sink('a'), sink('b')], { now: () => now }, recordingLogger());
    const drainBoth = () => Promise.all([queue.drain(), other.drain()]);
    try {
      const first = await queue.open(ticket());
      await drainBoth();
      const follow = await queue.open(ticket({ relatesTo: first.reference }));
      now += 500;
      await drainBoth();
      // a has both; b had neither; the follow-up waits in b for its ticket.
      expect(got.a!.map(([r]) => r)).toEqual([first.reference, follow.reference]);
      expect(got.a![1]![1]).toEqual({ parent: { reference: first.reference, externalId: `a-${first.reference}` } });
      expect(got.b).toEqual([]);
      bDown = false;
      now += 10 * 60_000;
      await drainBoth();
      now += 10 * 60_000;
      await drainBoth();
      expect(got.a).toHaveLength(2);
      expect(got.b!.map(([r]) => r)).toEqual([first.reference, follow.reference]);
      expect(got.b![1]![1]).toEqual({ parent: { reference: first.reference, externalId: `b-${first.reference}` } });
      expect((await queue.get(follow.reference))?.deliveredAt).not.toBeNull();
      expect(await queue.pendingCount()).toBe(0);
    } finally {
      await store.close();
      await drop();
    }
  });
});
