// The staff channel against the real Bolt receiver (signed requests on the helpdesk's own port) and
// the local fake of the Slack Web API: a hand-over becomes one card; staff claim it, answer the
// person in its thread, see the person's answers there, and close it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackChannel } from '../../src/channels/slack/channel.ts';
import { slackStaffSink } from '../../src/channels/slack/staff-sink.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import type { WebServer } from '../../src/channels/web/server.ts';
import type { Helpdesk } from '../../src/main.ts';
import type { Ticket } from '../../src/ports/tickets.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { postAction, postEvent } from '../helpers/slack.ts';
import { startSlackHelpdesk, type SlackHelpdesk } from '../helpers/slack-helpdesk.ts';
import { startSlackApi, type SlackApiPeer, type SlackCall } from '../peers/slack-api.ts';

let api: SlackApiPeer;
let dataDir: string;
let helpdesk: SlackHelpdesk;
let app: Helpdesk;
let slack: SlackChannel;
let web: WebServer;

beforeAll(async () => {
  api = await startSlackApi();
  api.users = {
    UALICE: { name: 'alice', email: 'alice@example.org' },
    USTAFF: { name: 'staff', email: 'staff@example.org', displayName: 'Maria K' },
    UOTHER: { name: 'other', email: 'other@example.org' },
  };
  dataDir = tempDataDir();
  helpdesk = await startSlackHelpdesk(api, { DATA_DIR: dataDir, SLACK_STAFF_USERS: 'USTAFF,UOTHER', SLACK_STAFF_CHANNEL: 'CSTAFF' });
  ({ app, slack, web } = helpdesk);
});
afterAll(async () => {
  await helpdesk.close();
  await api.close();
});

const textOf = (c: SlackCall) => JSON.stringify(c.args.blocks ?? c.args.text ?? '');
const dm = (user: string, text: string) => ({ type: 'message', channel_type: 'im', channel: `D${user}`, user, text, ts: `${Date.now() / 1000}` });
const inThread = (user: string, thread: string, text: string) => ({ type: 'message', channel: 'CSTAFF', channel_type: 'channel', user, text, ts: `${Date.now() / 1000 + 1}`, thread_ts: thread });
const posts = (channel: string, match: RegExp) => api.callsOf('chat.postMessage').filter((c) => c.args.channel === channel && match.test(textOf(c)));
const waitPost = (channel: string, match: RegExp) => api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === channel && match.test(textOf(c)));
const button = (user: string, actionId: string, value: string, ts: string) =>
  postAction(web.url, {
    user: { id: user },
    channel: { id: 'CSTAFF' },
    container: { type: 'message', message_ts: ts },
    message: { ts },
    response_url: `${api.url}/respond/${user}-${actionId}-${Date.now()}`,
    actions: [{ type: 'button', action_id: actionId, value, block_id: 'staff', action_ts: '1' }],
  });
/** How often the person's DM was searched for a reply posted before (only a reply tried before needs it). */
const searches = () => api.callsOf('conversations.history').filter((c) => c.args.channel === 'DUALICE').length;
/** Waits until `check` holds (a delivery that goes through the outbox takes a moment). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!check()) throw new Error(`never happened: ${what}`);
}

describe('Slack staff channel', () => {
  let reference = '';
  let card: SlackCall;
  let cardTs = '';

  it('a hand-over is posted once, as one card with who, the findings, the last lines and the buttons', async () => {
    await postEvent(web.url, dm('UALICE', 'I want to talk to a person'));
    await waitPost('DUALICE', /.+/);
    await postEvent(web.url, dm('UALICE', 'my codes have been rejected since yesterday and I have tried everything'));
    const handover = await api.waitFor((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === 'DUALICE' && /HD-[A-Z0-9]{6}/.test(textOf(c)));
    reference = /HD-[A-Z0-9]{6}/.exec(textOf(handover))![0];
    card = await waitPost('CSTAFF', new RegExp(`Hand-over ${reference}`));
    cardTs = String(api.messages.find((m) => m.channel === 'CSTAFF' && !m.thread_ts)!.ts);
    const text = textOf(card);
    expect(text).toContain('alice@example.org (proved: slack-email)');
    expect(text).toContain('Chat: slack');
    expect(text).toContain('Last lines:');
    expect(text).toContain('codes have been rejected since yesterday');
    const actions = (card.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string }> }>).find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.action_id)).toEqual(['staff:claim', 'staff:diagnose', 'staff:close']);
    expect(card.args.metadata).toEqual({ event_type: 'helpdesk_ticket', event_payload: { reference } });
    // The queue goes on draining; the card stays one.
    await app.tickets.drain();
    expect(posts('CSTAFF', new RegExp(`Hand-over ${reference}`))).toHaveLength(1);
  });

  it('claim: the card shows the owner; a second claim is told who owns it', async () => {
    await button('USTAFF', 'staff:claim', reference, cardTs);
    await api.waitFor((c) => c.method === 'chat.update' && c.args.channel === 'CSTAFF' && c.args.ts === cardTs && /<@USTAFF>/.test(textOf(c)));
    await button('UOTHER', 'staff:claim', reference, cardTs);
    const told = await api.waitForResponse((r) => r.path.includes('UOTHER-staff:claim'));
    expect(JSON.stringify(told.body)).toContain('<@USTAFF> owns this conversation');
  });

  it('diagnose again posts the staff report in the thread', async () => {
    const value = JSON.stringify({ r: reference, t: JSON.stringify({ u: 'alice' }) });
    await button('USTAFF', 'staff:diagnose', value, cardTs);
    const report = await api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'CSTAFF' && c.args.thread_ts === cardTs && /alice/.test(textOf(c)) && /diag:rerun/.test(textOf(c)));
    expect(textOf(report)).toMatch(/token/i);
  });

  it("the owner's reply reaches the person's DM, marked as the support team's, once; a long one is split, not cut", async () => {
    const long = Array.from({ length: 120 }, (_, i) => `Step ${i + 1}: open the app and look at the time it shows for this account.`).join(' ');
    const eventId = `EvStaff${Date.now()}`;
    await postEvent(web.url, inThread('USTAFF', cardTs, long), { eventId });
    const got = await waitPost('DUALICE', /From the support team \(a person, not the bot\)/);
    const sections = (got.args.blocks as Array<{ text?: { text: string } }>).map((b) => b.text?.text ?? '');
    expect(sections.length).toBeGreaterThan(2);
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(3000);
    expect(sections.join(' ').replace(/\s+/g, ' ')).toContain(long.slice(-200));
    expect(sections.join(' ')).toContain('Step 120:');
    // Slack sends the same event again (a retry): it is not delivered twice.
    await postEvent(web.url, inThread('USTAFF', cardTs, long), { eventId, retryNum: 1 });
    await postEvent(web.url, inThread('USTAFF', cardTs, 'Could you try a code now?'));
    await waitPost('DUALICE', /Could you try a code now/);
    expect(posts('DUALICE', /Step 120/)).toHaveLength(1);
    // Each reply was tried once: the DM was never searched for it.
    expect(searches()).toBe(0);
  });

  it('a reply Slack refused to deliver stays in the inbox, and the replica that resumes it delivers it once', async () => {
    let refused = 0;
    const searched = searches();
    api.refuse = (method, args) => (method === 'chat.postMessage' && args.channel === 'DUALICE' && /before the mark/.test(JSON.stringify(args)) && !refused++ ? 'internal_error' : undefined);
    const eventId = `EvBefore${Date.now()}`;
    await postEvent(web.url, inThread('USTAFF', cardTs, 'Sent before the mark: open the app again.'), { eventId });
    await until(() => refused === 1, 'Slack refusing the reply');
    await slack.resume(Date.now() + 200_000);
    await waitPost('DUALICE', /before the mark/);
    await until(() => api.callsOf('chat.postMessage').filter((c) => c.args.channel === 'DUALICE' && /before the mark/.test(textOf(c))).length === 2, 'the second try');
    expect(api.messages.filter((m) => m.channel === 'DUALICE' && /before the mark/.test(JSON.stringify(m.blocks)))).toHaveLength(1);
    // The second try searched the DM first (the first had been tried), found nothing, and posted.
    expect(searches()).toBe(searched + 1);
    api.refuse = undefined;
  });

  it('a reply that fails again when resumed is not lost silently: the staff member is told in the thread', async () => {
    let refused = 0;
    api.refuse = (method, args) => (method === 'chat.postMessage' && args.channel === 'DUALICE' && /fails twice/.test(JSON.stringify(args)) && ++refused ? 'internal_error' : undefined);
    try {
      await postEvent(web.url, inThread('USTAFF', cardTs, 'This one fails twice: reinstall the app.'), { eventId: `EvTwice${Date.now()}` });
      await until(() => refused === 1, 'Slack refusing the reply');
      await slack.resume(Date.now() + 200_000);
      const told = await api.waitFor((c) => c.method === 'chat.postEphemeral' && c.args.user === 'USTAFF' && c.args.thread_ts === cardTs && /may not have reached/.test(String(c.args.text)));
      expect(String(told.args.text)).toMatch(/Send it again in this thread/);
      expect(refused).toBe(2);
      expect(api.messages.filter((m) => m.channel === 'DUALICE' && /fails twice/.test(JSON.stringify(m.blocks)))).toHaveLength(0);
    } finally {
      api.refuse = undefined;
    }
  });

  it('a replica killed between delivering a reply and marking it sent: another delivers it again with its key, and the person sees it once', async () => {
    const seen = app.store;
    const markSeen = seen.markSeen.bind(seen);
    let killed = 0;
    const searched = searches();
    seen.markSeen = async (key, now) => {
      if (key.startsWith('staff-reply:') && key.includes('EvAfter') && !killed++) throw new Error('the replica was killed');
      return markSeen(key, now);
    };
    try {
      const eventId = `EvAfter${Date.now()}`;
      await postEvent(web.url, inThread('USTAFF', cardTs, 'Sent after the mark: restart the phone.'), { eventId });
      await waitPost('DUALICE', /after the mark/);
      await until(() => killed === 1, 'the mark failing');
      await slack.resume(Date.now() + 200_000);
      await until(() => killed === 2, 'the resumed reply marked sent');
      await app.tickets.drain();
      expect(await seen.wasSeen(`staff-reply:slack-staff:${eventId}`)).toBe(true);
      // The resumed try searched the DM once, found the reply there, and did not post it again.
      expect(searches()).toBe(searched + 1);
      expect(api.messages.filter((m) => m.channel === 'DUALICE' && /after the mark/.test(JSON.stringify(m.blocks)))).toHaveLength(1);
      expect(api.messages.find((m) => m.channel === 'DUALICE' && /after the mark/.test(JSON.stringify(m.blocks)))?.metadata).toEqual({ event_type: 'helpdesk_reply', event_payload: { key: `staff-reply:slack-staff:${eventId}` } });
    } finally {
      seen.markSeen = markSeen;
    }
  });

  it("another staff member's reply is not sent; they are told who owns it", async () => {
    await postEvent(web.url, inThread('UOTHER', cardTs, 'I can take this one'));
    const told = await api.waitFor((c) => c.method === 'chat.postEphemeral' && c.args.user === 'UOTHER');
    expect(String(told.args.text)).toContain('<@USTAFF> owns this conversation');
    expect(posts('DUALICE', /I can take this one/)).toHaveLength(0);
  });

  it("the person's answers go to the thread and the ticket; the bot stays quiet and says so once", async () => {
    await postEvent(web.url, dm('UALICE', 'ok I tried and it says invalid code'));
    await api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'CSTAFF' && c.args.thread_ts === cardTs && /it says invalid code/.test(textOf(c)));
    const quiet = await waitPost('DUALICE', /A person from the support team is answering you here now/);
    expect(quiet).toBeDefined();
    await postEvent(web.url, dm('UALICE', 'my phone shows 10:42'));
    await api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'CSTAFF' && c.args.thread_ts === cardTs && /my phone shows 10:42/.test(textOf(c)));
    expect(posts('DUALICE', /A person from the support team is answering/)).toHaveLength(1);
    // Nothing else from the bot while the staff member owns the conversation.
    expect(posts('DUALICE', /my phone shows|Did that solve it|code it shows/)).toHaveLength(0);
    const file = path.join(dataDir, 'tickets', `${reference}.json`);
    await until(() => /my phone shows 10:42/.test(readFileSync(file, 'utf8')), 'the follow-up in the ticket file');
    const ticket = JSON.parse(readFileSync(file, 'utf8')) as { followUps: Array<{ transcript?: string[] }> };
    expect(JSON.stringify(ticket.followUps)).toContain('person: ok I tried and it says invalid code');
  });

  it('close: the card says who closed it and loses its buttons; the person is told once', async () => {
    await button('USTAFF', 'staff:close', reference, cardTs);
    const closed = await api.waitFor((c) => c.method === 'chat.update' && c.args.ts === cardTs && /Closed by <@USTAFF>/.test(textOf(c)));
    expect((closed.args.blocks as Array<{ type: string }>).some((b) => b.type === 'actions')).toBe(false);
    await waitPost('DUALICE', new RegExp(`closed this conversation \\(${reference}\\)`));
    await button('USTAFF', 'staff:close', reference, cardTs);
    await app.tickets.drain();
    expect(posts('DUALICE', /closed this conversation/)).toHaveLength(1);
  });

  it('a reply after the close goes to the ticket, and the staff member is told so', async () => {
    await postEvent(web.url, inThread('USTAFF', cardTs, 'One more thing: restart the app.'));
    const told = await api.waitFor((c) => c.method === 'chat.postEphemeral' && c.args.user === 'USTAFF' && /closed/.test(String(c.args.text)));
    expect(String(told.args.text)).toContain(`added to ticket ${reference}`);
    expect(posts('DUALICE', /restart the app/)).toHaveLength(0);
    const file = path.join(dataDir, 'tickets', `${reference}.json`);
    await until(() => /restart the app/.test(readFileSync(file, 'utf8')), 'the reply in the ticket file');
    // The ticket names the staff member as Slack shows them, never by a mention (<@U…> means nothing there).
    const ticket = readFileSync(file, 'utf8');
    expect(ticket).toContain('Reply from Maria K in the staff channel');
    expect(ticket).toContain('Closed in the staff channel by Maria K');
    expect(ticket).not.toMatch(/<@[UW][A-Z0-9]+>/);
  });

  it('the person talks to the bot again once the conversation is closed', async () => {
    const before = api.callsOf('chat.postMessage').filter((c) => c.args.channel === 'DUALICE').length;
    await postEvent(web.url, dm('UALICE', 'thanks'));
    await until(() => api.calls.filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === 'DUALICE').length > before, 'the bot answering');
    expect(posts('CSTAFF', /person: thanks/)).toHaveLength(0);
  });
});

describe('Slack staff channel: a card sent again after a replica died', () => {
  it('finds the card it posted before (by the reference in its metadata) and posts nothing twice', async () => {
    const sink = slackStaffSink(channelContext(app), slack.app.client, 'CSTAFF', 'en');
    const t: Ticket = { conversationId: 'web:x', urgent: true, lang: 'sv', subject: {}, transcript: ['person: help'], findings: [], createdAt: new Date().toISOString() };
    const first = await sink.deliver('HD-AGAIN2', t, {});
    const second = await sink.deliver('HD-AGAIN2', t, {});
    expect(second).toEqual(first);
    expect(posts('CSTAFF', /Hand-over HD-AGAIN2/)).toHaveLength(1);
    expect(textOf(posts('CSTAFF', /Hand-over HD-AGAIN2/)[0]!)).toContain('Who: not known');
    const f: Ticket = { ...t, relatesTo: 'HD-AGAIN2', transcript: ['person: still there?'] };
    const parent = { parent: { reference: 'HD-AGAIN2', externalId: first!.externalId! } };
    await sink.deliver('HD-FOLLOW', f, parent);
    await sink.deliver('HD-FOLLOW', f, parent);
    expect(posts('CSTAFF', /still there\?/)).toHaveLength(1);
  });
});
