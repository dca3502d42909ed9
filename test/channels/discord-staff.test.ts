// The Discord staff channel with the real discord.js client against the local Discord (REST and
// gateway on loopback): a hand-over becomes one card with a thread; staff claim it, answer the
// person in the thread (their Discord DM), see the person's answers there, and close it. Staff are
// named by their server nickname, never by a mention.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordChannel } from '../../src/channels/discord/channel.ts';
import { discordStaffSink } from '../../src/channels/discord/staff-sink.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import type { Helpdesk } from '../../src/main.ts';
import type { Ticket } from '../../src/ports/tickets.ts';
import { startDiscordHelpdesk, type DiscordHelpdesk } from '../helpers/discord-helpdesk.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { APP_ID, STAFF_CHANNEL_ID, STAFF_ROLE, startDiscord, type DiscordPeer, type DiscordUser, type RestCall } from '../peers/discord.ts';

let discord: DiscordPeer;
let dataDir: string;
let app: Helpdesk;
let channel: DiscordChannel;

const ALICE = { id: '600000000000000011', username: 'alice' };
const MARIA = { id: '600000000000000013', username: 'maria_k', nick: 'Maria K' };
const OLLE = { id: '600000000000000014', username: 'olle', nick: 'Olle' };
const NOBODY = { id: '600000000000000015', username: 'someone' };

let helpdesk: DiscordHelpdesk;

beforeAll(async () => {
  discord = await startDiscord();
  dataDir = tempDataDir();
  helpdesk = await startDiscordHelpdesk(discord, { DATA_DIR: dataDir, DISCORD_STAFF_ROLE: STAFF_ROLE, DISCORD_STAFF_CHANNEL: STAFF_CHANNEL_ID, TYPING_DELAY_SECONDS: '0' });
  ({ app, channel } = helpdesk);
}, 30_000);
afterAll(async () => {
  await helpdesk?.close();
  await discord?.close();
});

const textOf = (m: Record<string, unknown>) => `${String(m.content ?? '')} ${JSON.stringify(m.embeds ?? [])} ${JSON.stringify(m.components ?? [])}`;
const posted = (channelId: string, match: RegExp) => (discord.messages.get(channelId) ?? []).filter((m) => match.test(textOf(m)));
async function until<T>(get: () => T | undefined | false, what: string): Promise<T> {
  // Up to a minute: on a busy machine the gateway, the outbox and the store each take their time.
  for (let i = 0; i < 3000; i++) {
    const v = get();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never happened: ${what}`);
}
const waitPosted = (channelId: string, match: RegExp) => until(() => posted(channelId, match)[0], `a message ${match} in ${channelId}`);
const callback = (id: string) => discord.waitFor((c: RestCall) => c.path.startsWith(`/interactions/${id}/`));
const staffClick = (user: DiscordUser, customId: string, roles = [STAFF_ROLE]) => discord.interaction('button', { user, roles, channelId: STAFF_CHANNEL_ID, customId });

describe('Discord staff channel', () => {
  let reference = '';
  let dm = '';
  let card: Record<string, unknown>;
  let thread = '';

  it('a hand-over is posted once, as a card (an embed with buttons) with a thread of its own', async () => {
    dm = discord.dmMessage(ALICE, 'I want to talk to a person');
    await waitPosted(dm, /.+/);
    discord.dmMessage(ALICE, 'my codes have been rejected since yesterday and I have tried everything');
    // Nobody proven: the helpdesk asks how staff can reach the person first; here in this chat.
    const ask = await waitPosted(dm, /Here in this chat/);
    const here = /"custom_id":"(choice:[^"]+)","label":"Here in this chat"|"label":"Here in this chat"[^}]*"custom_id":"(choice:[^"]+)"/.exec(JSON.stringify(ask.components))!;
    discord.interaction('button', { user: ALICE, dm: true, channelId: dm, customId: here[1] ?? here[2]! });
    reference = /HD-[A-Z0-9]{6}/.exec(textOf(await waitPosted(dm, /HD-[A-Z0-9]{6}/)))![0];
    card = await waitPosted(STAFF_CHANNEL_ID, new RegExp(`Hand-over ${reference}`));
    const text = textOf(card);
    expect(text).toContain('Chat: discord');
    expect(text).toContain('Last lines');
    expect(text).toContain('codes have been rejected since yesterday');
    expect(String(card.content)).toContain('Nobody owns it yet');
    expect((card.embeds as Array<{ footer?: { text: string } }>)[0]?.footer?.text).toBe(reference);
    const ids = JSON.stringify(card.components).match(/staff:(claim|diagnose|close)/g);
    expect(ids).toEqual(['staff:claim', 'staff:close']);
    thread = String(card.id);
    await discord.waitFor((c) => c.method === 'POST' && c.path === `/channels/${STAFF_CHANNEL_ID}/messages/${thread}/threads`);
    expect((await app.staffThreads.byReference(reference))?.thread).toBe(thread);
    await app.tickets.drain();
    expect(posted(STAFF_CHANNEL_ID, new RegExp(`Hand-over ${reference}`))).toHaveLength(1);
  });

  it('claim: the card shows the owner by name; a second claim is told who owns it; someone without the role is refused', async () => {
    expect((await callback(staffClick(MARIA, `staff:claim:${reference}`))).body).toMatchObject({ type: 6 });
    await until(() => /Owned by Maria K/.test(String(posted(STAFF_CHANNEL_ID, new RegExp(reference))[0]?.content)), 'the card showing its owner');
    const other = staffClick(OLLE, `staff:claim:${reference}`);
    const told = await discord.waitFor((c) => c.method === 'POST' && c.path.includes(`tok-${other}`) && /owns this conversation/.test(String(c.body.content)));
    expect(told.body.content).toBe('Maria K owns this conversation: only they answer the person.');
    expect(told.body.flags).toBe(64);
    const refused = staffClick(NOBODY, `staff:close:${reference}`, []);
    const refusal = await discord.waitFor((c) => c.method === 'POST' && c.path === `/webhooks/${APP_ID}/tok-${refused}`);
    expect(refusal.body.flags).toBe(64);
    expect(String(refusal.body.content)).toMatch(/support team/i);
    expect(await app.staffThreads.byReference(reference)).toMatchObject({ owner: MARIA.id });
    expect((await app.staffThreads.byReference(reference))?.closedAt).toBeUndefined();
  });

  it("the owner's reply in the thread reaches the person's DM, marked as the support team's, once; a long one is split, not cut", async () => {
    const long = Array.from({ length: 60 }, (_, i) => `Step ${i + 1}: open the app and look at the time it shows for this account.`).join(' ');
    const id = discord.guildMessage(MARIA, thread, long, [STAFF_ROLE]);
    await waitPosted(dm, /From the support team \(a person, not the bot\)/);
    await until(() => posted(dm, /Step 60:/)[0], 'the last piece');
    const pieces = (discord.messages.get(dm) ?? []).filter((m) => /Step \d+:/.test(String(m.content)));
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(String(p.content).length).toBeLessThanOrEqual(2000);
    expect(pieces.map((p) => String(p.content)).join(' ').replace(/\\/g, '').replace(/\s+/g, ' ')).toContain(long.slice(-200));
    // The same message again (the gateway replayed it): not delivered twice.
    discord.guildMessage(MARIA, thread, long, [STAFF_ROLE], id);
    discord.guildMessage(MARIA, thread, 'Could you try a code now?', [STAFF_ROLE]);
    await waitPosted(dm, /Could you try a code now/);
    expect(posted(dm, /Step 60:/)).toHaveLength(1);
  });

  it("another staff member's reply is not sent; the thread says who owns the conversation, by name", async () => {
    discord.guildMessage(OLLE, thread, 'I can take this one', [STAFF_ROLE]);
    await waitPosted(thread, /Maria K owns this conversation/);
    expect(posted(dm, /I can take this one/)).toHaveLength(0);
  });

  it("the person's answers go to the thread and the ticket; the bot stays quiet and says so once", async () => {
    discord.dmMessage(ALICE, 'ok I tried and it says invalid code');
    await waitPosted(thread, /it says invalid code/);
    await waitPosted(dm, /A person from the support team is answering you here now/);
    discord.dmMessage(ALICE, 'my phone shows 10:42');
    await waitPosted(thread, /my phone shows 10:42/);
    expect(posted(dm, /A person from the support team is answering/)).toHaveLength(1);
    expect(posted(dm, /Did that solve it|code it shows/)).toHaveLength(0);
    const file = path.join(dataDir, 'tickets', `${reference}.json`);
    await until(() => /my phone shows 10:42/.test(readFileSync(file, 'utf8')), 'the follow-up in the ticket file');
    expect(readFileSync(file, 'utf8')).toContain('person: ok I tried and it says invalid code');
  });

  it('close: the card says who closed it, by name, and loses its buttons; the person is told once; the ticket names the staff member, never a mention', async () => {
    await callback(staffClick(MARIA, `staff:close:${reference}`));
    await until(() => /Closed by Maria K/.test(String(posted(STAFF_CHANNEL_ID, new RegExp(reference))[0]?.content)), 'the card closed');
    expect(posted(STAFF_CHANNEL_ID, new RegExp(reference))[0]?.components).toEqual([]);
    await waitPosted(dm, new RegExp(`closed this conversation \\(${reference}\\)`));
    await callback(staffClick(MARIA, `staff:close:${reference}`));
    await app.tickets.drain();
    expect(posted(dm, /closed this conversation/)).toHaveLength(1);
    const file = path.join(dataDir, 'tickets', `${reference}.json`);
    await until(() => /Closed in the staff channel by Maria K/.test(readFileSync(file, 'utf8')), 'the close in the ticket');
    expect(readFileSync(file, 'utf8')).not.toMatch(/<@!?\d+>/);
  });

  it('a reply after the close goes to the ticket, named by the staff member, and the thread says so', async () => {
    discord.guildMessage(MARIA, thread, 'One more thing: restart the app.', [STAFF_ROLE]);
    await waitPosted(thread, new RegExp(`added to ticket ${reference}`));
    expect(posted(dm, /restart the app/)).toHaveLength(0);
    const file = path.join(dataDir, 'tickets', `${reference}.json`);
    await until(() => /restart the app/.test(readFileSync(file, 'utf8')), 'the reply in the ticket file');
    expect(readFileSync(file, 'utf8')).toContain('Reply from Maria K in the staff channel');
  });
});

describe('Discord staff channel: faults', () => {
  it('a leader killed between delivering a reply and marking it sent: the next delivers it again with its nonce, and the person sees it once', async () => {
    const t: Ticket = { conversationId: `discord:${discord.dmChannelOf(ALICE.id)}:${ALICE.id}`, urgent: false, lang: 'en', subject: {}, transcript: ['person: help again'], findings: [], createdAt: new Date().toISOString() };
    const { reference } = await app.tickets.open(t);
    await app.tickets.drain();
    const card = await waitPosted(STAFF_CHANNEL_ID, new RegExp(`Hand-over ${reference}`));
    const dm = discord.dmChannelOf(ALICE.id)!;
    const seen = app.store;
    const markSeen = seen.markSeen.bind(seen);
    let killed = 0;
    const id = '700000000000000077';
    seen.markSeen = async (key, now) => {
      if (key.includes(id) && !killed++) throw new Error('the leader was killed');
      return markSeen(key, now);
    };
    try {
      discord.guildMessage(MARIA, String(card.id), 'Sent, then the leader died.', [STAFF_ROLE], id);
      await waitPosted(dm, /then the leader died/);
      await until(() => killed === 1, 'the mark failing');
      await channel.resume(Date.now() + 200_000);
      await until(() => killed === 2, 'the resumed reply marked sent');
      await until(() => discord.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${dm}/messages` && /then the leader died/.test(String(c.body.content))).length === 2, 'the second delivery');
      const sends = discord.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${dm}/messages` && /then the leader died/.test(String(c.body.content)));
      expect(sends.map((c) => c.body.nonce)).toEqual([sends[0]!.body.nonce, sends[0]!.body.nonce]);
      expect(sends[0]!.body.enforce_nonce).toBe(true);
      expect(posted(dm, /then the leader died/)).toHaveLength(1);
    } finally {
      seen.markSeen = markSeen;
    }
  }, 90_000);

  it('a card sent again after a replica died is found by the reference in its footer, and nothing is posted twice', async () => {
    const sink = discordStaffSink(channelContext(app), channel.client, STAFF_CHANNEL_ID, 'en');
    const t: Ticket = { conversationId: 'web:x', urgent: true, lang: 'sv', subject: { user: 'bob' }, transcript: ['person: help'], findings: [], createdAt: new Date().toISOString() };
    const first = await sink.deliver('HD-AGAIN3', t, {});
    const second = await sink.deliver('HD-AGAIN3', t, {});
    expect(second).toEqual(first);
    expect(posted(STAFF_CHANNEL_ID, /Hand-over HD-AGAIN3/)).toHaveLength(1);
    expect(JSON.stringify(posted(STAFF_CHANNEL_ID, /Hand-over HD-AGAIN3/)[0]!.components)).toContain('staff:diagnose:HD-AGAIN3:');
    const f: Ticket = { ...t, relatesTo: 'HD-AGAIN3', transcript: ['person: still there?'] };
    const parent = { parent: { reference: 'HD-AGAIN3', externalId: first!.externalId! } };
    await sink.deliver('HD-FOLLW3', f, parent);
    await sink.deliver('HD-FOLLW3', f, parent);
    const threadId = first!.externalId!.split('/')[1]!;
    expect(posted(threadId, /still there\?/)).toHaveLength(1);
    // Diagnose again: the staff report for the card's account, in its thread.
    const diagnose = /"(staff:diagnose:[^"]+)"/.exec(JSON.stringify(posted(STAFF_CHANNEL_ID, /Hand-over HD-AGAIN3/)[0]!.components))![1]!;
    await callback(staffClick(MARIA, diagnose));
    const report = await waitPosted(threadId, /diag:rerun/);
    expect(textOf(report)).toMatch(/bob/);
  });
});
