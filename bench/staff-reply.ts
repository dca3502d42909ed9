// A staff member's reply in a staff channel (Slack's or Discord's) to the person's screen: the person
// hands over on the web page (its JSON API, as the page's script calls it) and holds the page's poll
// open, as the page does; a staff member answers in the card's thread (Slack: a signed event into the
// real Bolt receiver, the local fake of the Slack Web API; Discord: a message on the local Discord's
// gateway to the real discord.js client, after claiming the card). Timed from the moment the platform
// sends the message until the page's poll has the reply; p50/p95 over 20 replies.
import { silentLogger } from '../src/ports/logger.ts';
import { ChatClient, startWebFor } from '../test/helpers/web.ts';
import { postEvent } from '../test/helpers/slack.ts';
import { startSlackHelpdesk } from '../test/helpers/slack-helpdesk.ts';
import { startDiscordHelpdesk } from '../test/helpers/discord-helpdesk.ts';
import { startSlackApi } from '../test/peers/slack-api.ts';
import { STAFF_CHANNEL_ID, STAFF_ROLE, startDiscord } from '../test/peers/discord.ts';

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type StaffPlatform = 'Slack' | 'Discord';

export interface StaffReplyFigures {
  platform: StaffPlatform;
  replies: number;
  toScreenP50Ms: number;
  toScreenP95Ms: number;
}

/** What a platform gives the shared timing: the staff card's thread, and a staff reply sent in it. */
interface StaffDesk {
  /** Waits for the hand-over's card; returns what `reply` needs to answer in its thread. */
  card(): Promise<string>;
  reply(thread: string, text: string): Promise<unknown> | void;
}

async function until<T>(get: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} within 30 s`);
    await sleep(10);
  }
}

/** The person hands over on the web page; then each staff reply is timed to the page's held poll. */
async function timeReplies(platform: StaffPlatform, webUrl: string, desk: StaffDesk, replies: number): Promise<StaffReplyFigures> {
  const person = new ChatClient(webUrl);
  const origin = { origin: webUrl };
  await person.post('/api/chat', { event: { type: 'text', text: 'I want to talk to a person' }, lang: 'en' }, origin);
  await person.post('/api/chat', { event: { type: 'text', text: 'my codes have been rejected since yesterday' }, lang: 'en' }, origin);
  // Nobody proven: the helpdesk asks how staff can reach the person first; here in this chat.
  await person.post('/api/chat', { event: { type: 'text', text: 'here in this chat' }, lang: 'en' }, origin);
  const thread = await desk.card();
  const times: number[] = [];
  for (let i = 0; i < replies; i++) {
    const poll = fetch(`${webUrl}/api/chat/poll?wait=25`, { headers: { cookie: person.cookie } }).then((r) => r.json() as Promise<{ replies: Array<{ staff?: boolean }> }>);
    await sleep(50);
    const sentAt = performance.now();
    await desk.reply(thread, `Answer ${i + 1}: try a code now, please.`);
    const got = await poll;
    if (!got.replies.some((r) => r.staff)) throw new Error(`reply ${i + 1} did not reach the page`);
    times.push(performance.now() - sentAt);
  }
  return { platform, replies, toScreenP50Ms: Math.round(quantile(times, 0.5)), toScreenP95Ms: Math.round(quantile(times, 0.95)) };
}

export async function slackStaffReplyBench(replies = 20): Promise<StaffReplyFigures> {
  const api = await startSlackApi();
  api.users = { USTAFF: { name: 'staff', email: 'staff@example.org' } };
  const { web, close } = await startSlackHelpdesk(
    api,
    { DNS_TIMEOUT_MS: '300', SLACK_STAFF_USERS: 'USTAFF', SLACK_STAFF_CHANNEL: 'CSTAFF' },
    { log: silentLogger, watch: false, ids: { botUserId: 'UBOT', botId: 'BBOT' } },
  );
  try {
    return await timeReplies('Slack', web.url, {
      card: () => until(() => api.messages.find((m) => m.channel === 'CSTAFF' && !m.thread_ts)?.ts, 'no hand-over card in the staff channel'),
      reply: (thread, text) => postEvent(web.url, { type: 'message', channel: 'CSTAFF', channel_type: 'channel', user: 'USTAFF', text, ts: `${Date.now() / 1000}`, thread_ts: thread }),
    }, replies);
  } finally {
    await close();
    await api.close();
  }
}

export async function discordStaffReplyBench(replies = 20): Promise<StaffReplyFigures> {
  const discord = await startDiscord();
  const staff = { id: '600000000000000013', username: 'maria_k', nick: 'Maria K' };
  const helpdesk = await startDiscordHelpdesk(
    discord,
    { DNS_TIMEOUT_MS: '300', DISCORD_STAFF_ROLE: STAFF_ROLE, DISCORD_STAFF_CHANNEL: STAFF_CHANNEL_ID, TYPING_DELAY_SECONDS: '0' },
    { log: silentLogger, watch: false },
  );
  const web = await startWebFor(helpdesk.app);
  try {
    return await timeReplies('Discord', web.url, {
      async card() {
        const card = await until(() => (discord.messages.get(STAFF_CHANNEL_ID) ?? []).find((m) => /Hand-over HD-/.test(JSON.stringify(m.embeds ?? []))), 'no hand-over card in the staff channel');
        const reference = /HD-[A-Z0-9]{6}/.exec(JSON.stringify(card.embeds))![0];
        // Only the owner's replies reach the person: the staff member claims the card first.
        discord.interaction('button', { user: staff, roles: [STAFF_ROLE], channelId: STAFF_CHANNEL_ID, customId: `staff:claim:${reference}` });
        await until(() => ((discord.messages.get(STAFF_CHANNEL_ID) ?? []).some((m) => /Owned by/.test(String(m.content))) ? true : undefined), 'the claim not shown on the card');
        return String(card.id);
      },
      reply: (thread, text) => void discord.guildMessage(staff, thread, text, [STAFF_ROLE]),
    }, replies);
  } finally {
    await web.close();
    await helpdesk.close();
    await discord.close();
  }
}

export function staffReplyLine(f: StaffReplyFigures): string {
  return `staff reply to the person's screen (a reply in the ${f.platform} staff channel's thread to the web page's held poll, ${f.replies} replies): p50 ${f.toScreenP50Ms} ms, p95 ${f.toScreenP95Ms} ms (goal under 1 s)`;
}
