// "Any news?" after a hand-over, as whole conversations in English and Swedish: the ticket goes
// through the outbox to a ticket system (the real Request Tracker 5 on loopback; the Zammad contract
// server), staff change its status there, and the person asking in the chat is told in one line where
// the case stands. A sink that cannot tell (mail) gets when to expect an answer instead.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteDb } from '../../src/adapters/sql/db.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { TicketQueue, type TicketDelivery } from '../../src/adapters/ticket-queue.ts';
import { RtTicketDelivery } from '../../src/adapters/ticket-rt.ts';
import { ZammadTicketDelivery } from '../../src/adapters/ticket-zammad.ts';
import { MailTicketDelivery } from '../../src/adapters/ticket-mail.ts';
import { Harness } from '../../src/conversation-tests/harness.ts';
import { replyText } from '../../src/conversation-tests/run.ts';
import { worldFromFolder } from '../../src/conversation-tests/suite.ts';
import type { ConversationRunner } from '../../src/engine/runner.ts';
import type { Mail } from '../../src/ports/mailer.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { RT_PASSWORD, RT_USER, startRt, type RtPeer } from '../peers/request-tracker.ts';
import { startZammad, ZAMMAD_TOKEN, type ZammadPeer } from '../peers/zammad.ts';

const world = worldFromFolder(path.join(import.meta.dirname, '../../flows'));

let rt: RtPeer;
let zammad: ZammadPeer;
beforeAll(async () => {
  [rt, zammad] = await Promise.all([startRt(), startZammad()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([rt?.close(), zammad?.close()]);
});

interface Chat {
  say(text: string): Promise<string>;
  queue: TicketQueue;
  close(): Promise<void>;
}

/** A conversation on the terminal channel whose tickets go through a real outbox to `delivery`. */
async function chat(delivery: TicketDelivery): Promise<Chat> {
  // As HANDOVER_SINK names it: RT and Zammad mail replies and can tell the status; mail only mails.
  const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
  const queue = new TicketQueue(store.db, [delivery], { now: () => Date.now() }, recordingLogger());
  const harness = new Harness({ ...world, ticketSystem: queue, handover: { mails: true, status: delivery.name !== 'mail' } });
  const runner: ConversationRunner = await harness.start();
  const id = `terminal:status-${Math.random().toString(36).slice(2)}`;
  await runner.turn(id, { type: 'start' }, { channel: 'terminal' });
  return {
    queue,
    async say(text) {
      harness.clock.advance(20_000);
      const r = await runner.turn(id, { type: 'text', text }, { channel: 'terminal' });
      return r.replies.map(replyText).join('\n');
    },
    async close() {
      await harness.stop();
      await store.close();
    },
  };
}

/** Hands over (a named account, a description) and returns the reference the person was given. */
async function handOver(c: Chat, lines: [string, string, string]): Promise<string> {
  await c.say(lines[0]);
  await c.say(lines[1]);
  const reply = await c.say(lines[2]);
  const reference = /HD-[A-Z0-9]{6}/.exec(reply)?.[0];
  expect(reference, reply).toBeDefined();
  await c.queue.drain();
  return reference!;
}

const EN: [string, string, string] = ['I want to talk to a person', 'alice', 'My codes are refused since I got a new phone.'];
const SV: [string, string, string] = ['jag vill prata med en person', 'alice', 'Koderna godtas inte sedan jag bytte telefon.'];

async function rtTicketId(reference: string): Promise<string> {
  const found = await rt.rest<{ items: Array<{ id: string }> }>('GET', `tickets?query=${encodeURIComponent(`Subject LIKE '[${reference}]'`)}`);
  expect(found.items).toHaveLength(1);
  return found.items[0]!.id;
}

const rtSink = () =>
  new RtTicketDelivery({ url: rt.url, queue: 'General', auth: { user: RT_USER, password: RT_PASSWORD }, priority: 50, urgentPriority: 90, followUp: 'comment', centre: 'UPPMAX', timeoutMs: 60_000 }, recordingLogger());
const zammadSink = () => new ZammadTicketDelivery({ url: zammad.url, token: ZAMMAD_TOKEN, group: 'Users', anonymousCustomer: 'anonymous@helpdesk.invalid', centre: 'UPPMAX', timeoutMs: 5000 });

describe('"any news?" after a hand-over', { timeout: 180_000 }, () => {
  it('reads the status from Request Tracker as staff change it, in one line each time, and files nothing', async () => {
    const c = await chat(rtSink());
    try {
      const reference = await handOver(c, EN);
      const id = await rtTicketId(reference);
      const comments = async () => (await rt.rest<{ count: number }>('POST', 'transactions', [{ field: 'ObjectType', value: 'RT::Ticket' }, { field: 'ObjectId', value: Number(id) }, { field: 'Type', value: 'Comment' }])).count;

      const fresh = await c.say('ANY NEWS?');
      expect(fresh).toContain(`Your case ${reference} is with the support team, but nobody has picked it up yet.`);
      expect(fresh.split('\n')).toHaveLength(1);

      await rt.rest('PUT', `ticket/${id}`, { Status: 'open' });
      expect(await c.say('have you answered yet?')).toBe(`Someone in the support team is working on your case ${reference}.`);

      await rt.rest('PUT', `ticket/${id}`, { Status: 'stalled' });
      expect(await c.say('any news on my case?')).toContain('on hold');

      await rt.rest('PUT', `ticket/${id}`, { Status: 'resolved' });
      expect(await c.say('any update?')).toContain(`has marked your case ${reference} as resolved`);

      // Asking is not news for staff: nothing was added to the ticket.
      await c.queue.drain();
      expect(await comments()).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('in Swedish: "har det hänt något med mitt ärende?" and "har ni svarat?" against Request Tracker', async () => {
    const c = await chat(rtSink());
    try {
      const reference = await handOver(c, SV);
      const id = await rtTicketId(reference);
      expect(await c.say('har det hänt något med mitt ärende?')).toContain(`Ditt ärende ${reference} ligger hos supporten, men ingen har tagit det ännu.`);
      await rt.rest('PUT', `ticket/${id}`, { Status: 'open' });
      expect(await c.say('har ni svarat?')).toBe(`Någon på supporten arbetar med ditt ärende ${reference}.`);
    } finally {
      await c.close();
    }
  });

  it('reads the state from Zammad: new, waiting (a pending state), open, closed', async () => {
    const c = await chat(zammadSink());
    try {
      const reference = await handOver(c, SV);
      const ticket = zammad.tickets.find((t) => t.title.includes(`[${reference}]`));
      expect(ticket).toBeDefined();
      const articles = () => zammad.articles.filter((a) => a.ticket_id === ticket!.id).length;
      const before = articles();
      expect(await c.say('något nytt?')).toContain('men ingen har tagit det ännu');
      zammad.setState(ticket!.id, 'pending reminder');
      expect(await c.say('har ni svarat?')).toBe(`Ditt ärende ${reference} är vilande hos supporten: de väntar på något, kanske på svar från dig.`);
      zammad.setState(ticket!.id, 'open');
      expect(await c.say('hur går det med mitt ärende?')).toBe(`Någon på supporten arbetar med ditt ärende ${reference}.`);
      zammad.setState(ticket!.id, 'closed');
      expect(await c.say('något nytt?')).toContain('som löst');
      await c.queue.drain();
      expect(articles()).toBe(before);
    } finally {
      await c.close();
    }
  });

  it('an anonymous hand-over: asked once how staff reach the person; "here" files it to RT with no requestor, and "any news?" is how they hear', async () => {
    const c = await chat(rtSink());
    try {
      await c.say('I want to talk to a person');
      await c.say('skip');
      expect(await c.say('My phone was stolen and I cannot log in.')).toContain('how can the support team reach you?');
      const filed = await c.say('here in this chat');
      expect(filed).toContain('Come back to this chat and ask "any news?"');
      expect(filed).not.toMatch(/answer by e-mail|how can the support team reach you/);
      const reference = /HD-[A-Z0-9]{6}/.exec(filed)![0];
      expect((await c.queue.get(reference))?.ticket).toMatchObject({ reachInChat: true, subject: {} });
      await c.queue.drain();
      const ticket = await rt.rest<{ Requestor: unknown[] }>('GET', `ticket/${await rtTicketId(reference)}`);
      expect(ticket.Requestor).toEqual([]);
      expect(await c.say('any news?')).toContain('nobody has picked it up yet');
    } finally {
      await c.close();
    }
  });

  it('an anonymous hand-over with a typed address: in RT without a requestor, the address kept as not proved, only the reference promised to it', async () => {
    const c = await chat(rtSink());
    try {
      await c.say('jag vill prata med en människa');
      await c.say('hoppa över');
      expect(await c.say('Någon stal min telefon och jag kommer inte in.')).toContain('hur kan supporten nå dig?');
      const filed = await c.say('kim.berg@example.org');
      expect(filed).toContain('Jag har lämnat vidare kim.berg@example.org, markerad som obekräftad, så dit skickas inget annat än ditt referensnummer.');
      const reference = /HD-[A-Z0-9]{6}/.exec(filed)![0];
      expect((await c.queue.get(reference))?.ticket.subject).toEqual({ email: 'kim.berg@example.org', identity: 'claimed' });
      await c.queue.drain();
      const ticket = await rt.rest<{ Requestor: unknown[] }>('GET', `ticket/${await rtTicketId(reference)}`);
      expect(ticket.Requestor).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('a sink that cannot tell (mail): when to expect an answer, not a status it does not have', async () => {
    const sent: Mail[] = [];
    const c = await chat(new MailTicketDelivery({ send: async (m: Mail) => void sent.push(m) }, { to: 'support@example.org', centre: 'UPPMAX', subjectTag: '[{reference}]' }));
    try {
      const reference = await handOver(c, EN);
      const reply = await c.say('any news?');
      expect(reply).toContain(`(reference ${reference})`);
      expect(reply).toContain('within');
      expect(reply).not.toMatch(/picked it up|working on|resolved|on hold/);
      await c.queue.drain();
      expect(sent).toHaveLength(1);
    } finally {
      await c.close();
    }
  });
});
