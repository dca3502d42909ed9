// The real discord.js client against a local Discord: REST API and gateway on loopback. The tests
// drive it with gateway events and assert on the REST calls the bot makes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordChannel, type DiscordChannel } from '../../src/channels/discord/channel.ts';
import { discordSettings } from '../../src/channels/discord/settings.ts';
import { startDiscordHelpdesk, type DiscordHelpdesk } from '../helpers/discord-helpdesk.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import type { WebServer } from '../../src/channels/web/server.ts';
import { startWebFor } from '../helpers/web.ts';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk } from '../../src/main.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { baseEnv, runCli, tempDataDir } from '../helpers/cli.ts';
import { APP_ID, STAFF_ROLE, startDiscord, type DiscordPeer, type RestCall } from '../peers/discord.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';

let discord: DiscordPeer;
let smtp: SmtpPeer;
let app: Helpdesk;
let channel: DiscordChannel;
let web: WebServer;

const ALICE = { id: '600000000000000001', username: 'alice' };
const BOB = { id: '600000000000000002', username: 'bob' };
const STAFF = { id: '600000000000000003', username: 'staffer' };

let helpdesk: DiscordHelpdesk;

beforeAll(async () => {
  discord = await startDiscord();
  smtp = await startSmtpServer();
  helpdesk = await startDiscordHelpdesk(discord, { SMTP_URL: smtp.url, DISCORD_STAFF_ROLE: STAFF_ROLE });
  ({ app, channel } = helpdesk);
  web = await startWebFor(app);
}, 30_000);
afterAll(async () => {
  await web?.close();
  await helpdesk?.close();
  await discord?.close();
  await smtp?.stop();
});

const content = (c: RestCall) => `${String(c.body.content ?? '')} ${JSON.stringify(c.body.embeds ?? [])} ${JSON.stringify(c.body.components ?? [])}`;
const sent = (channelId: string, match: RegExp) => (c: RestCall) => c.method === 'POST' && c.path === `/channels/${channelId}/messages` && match.test(content(c));

async function dmChannelOf(userId: string): Promise<string> {
  await discord.waitFor((c) => c.path === '/users/@me/channels' && c.body.recipient_id === userId);
  return discord.dmChannelOf(userId) as string;
}

describe('Discord: people', () => {
  it('/2fa defers at once, moves to a DM, and a whole flow runs through buttons to a hand-over', async () => {
    const id = discord.interaction('command', { user: ALICE, name: '2fa' });
    const deferral = await discord.waitFor((c) => c.path.startsWith(`/interactions/${id}/`));
    expect(deferral.body).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(deferral.at - (discord.dispatchedAt.get(id) as number)).toBeLessThan(1000);
    const dm = await dmChannelOf(ALICE.id);
    const menu = await discord.waitFor(sent(dm, /What do you need help with\?/));
    expect(content(menu)).toMatch(/choice:nothing_received/);
    await discord.waitFor((c) => c.method === 'PATCH' && c.path.includes(`tok-${id}`) && /direct message/.test(String(c.body.content)));

    const click = discord.interaction('button', { user: ALICE, dm: true, channelId: dm, customId: 'choice:nothing_received' });
    expect((await discord.waitFor((c) => c.path.startsWith(`/interactions/${click}/`))).body).toMatchObject({ type: 6 });
    await discord.waitFor(sent(dm, /Nothing is sent to you[\s\S]*Which fits you best/));
    // The answered question loses its buttons.
    await discord.waitFor((c) => c.method === 'PATCH' && c.path.includes(`tok-${click}`) && Array.isArray(c.body.components) && (c.body.components as unknown[]).length === 0);

    discord.interaction('button', { user: ALICE, dm: true, channelId: dm, customId: 'choice:not_me' });
    // A takeover ticket names the account: asked for first (here skipped).
    await discord.waitFor(sent(dm, /act on your account at once/));
    discord.dmMessage(ALICE, 'skip', dm);
    // Nobody known yet: how support can reach them, asked once.
    await discord.waitFor(sent(dm, /how can the support team reach you/));
    discord.dmMessage(ALICE, 'here', dm);
    const handover = await discord.waitFor(sent(dm, /URGENT[\s\S]*HD-[A-Z0-9]{6}/));
    const reference = /HD-[A-Z0-9]{6}/.exec(content(handover))?.[0] as string;
    expect((await app.tickets.get(reference))?.ticket.urgent).toBe(true);
  });

  it('/2fa from a Swedish client (sv-SE) greets in Swedish only', async () => {
    const SVEA = { id: '600000000000000011', username: 'svea' };
    discord.interaction('command', { user: SVEA, name: '2fa', locale: 'sv-SE' });
    const dm = await dmChannelOf(SVEA.id);
    const greeting = await discord.waitFor(sent(dm, /Hej! Jag är UPPMAX:s hjälp/));
    expect(content(greeting)).not.toMatch(/Hi! I'm/);
    const menu = await discord.waitFor(sent(dm, /Vad behöver du hjälp med\?/));
    expect(content(menu)).not.toMatch(/What do you need help with/);
  });

  it('a DM with free text works, and account facts wait for the e-mail proof', async () => {
    const dm = discord.dmMessage(BOB, "my code doesn't work");
    await discord.waitFor(sent(dm, /What is your UPPMAX username/));
    discord.dmMessage(BOB, 'bob', dm);
    const asked = await discord.waitFor(sent(dm, /If an account exists for that name, a mail with a confirmation code/));
    expect(content(asked)).not.toMatch(/pending|minutes/);
    const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('bob@example.org'));
    expect(mail.text).toMatch(/in Discord/);
    const code = /\b[A-Z]{4}-[A-Z]{4}\b/.exec(mail.text ?? '')?.[0] as string;
    // Typed into the DM that asked, the code proves the person there.
    discord.dmMessage(BOB, code, dm);
    await discord.waitFor(sent(dm, /Shall I tell you here when it is active/));
    // The findings as a checklist card (an embed) under the text before them: the account ticked, the
    // token pending with its minutes under an hourglass, the card's side the colour of waiting.
    const card = discord.calls.filter(sent(dm, /verified as bob/)).at(-1)!;
    expect(String(card.body.content)).toMatch(/verified as bob/);
    const embeds = card.body.embeds as Array<{ title: string; description: string; color: number }>;
    expect(embeds).toHaveLength(1);
    expect(embeds[0]!.title).toBe('What the helpdesk checked');
    const rows = embeds[0]!.description.split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^✅ The account bob exists/);
    expect(rows[1]).toMatch(/^⏳ Your token was registered 5 minutes ago and is still being activated/);
    expect(embeds[0]!.color).toBe(0x0b5cad);
    // What follows the card is a message of its own, below it.
    expect(String(card.body.content)).not.toMatch(/Shall I tell you/);
    // "Tell me when it is active": one DM when the token becomes active.
    discord.dmMessage(BOB, 'yes please', dm);
    await discord.waitFor(sent(dm, /I will tell you here as soon as your token is active/));
    app.demo?.activate('bob');
    await app.backends.forget({ users: ['bob'], emails: [] });
    await app.watcher.tick();
    await app.watcher.tick();
    await discord.waitFor(sent(dm, /Your token is active now/));
    await app.watcher.tick();
    expect(discord.calls.filter(sent(dm, /Your token is active now/))).toHaveLength(1);
  });

  it('every message the bot sends has allowedMentions empty, and user text cannot ping', async () => {
    const dm = discord.dmMessage({ id: '600000000000000009', username: 'mallory' }, '@everyone <@&1> hello');
    await discord.waitFor(sent(dm, /What do you need help with/));
    const posts = discord.calls.filter((c) => (c.method === 'POST' || c.method === 'PATCH') && (c.path.includes('/messages') || c.path.includes('/webhooks/')));
    expect(posts.length).toBeGreaterThan(5);
    for (const p of posts) expect(p.body.allowed_mentions).toEqual({ parse: [] });
    expect(posts.every((p) => !/@everyone/.test(String(p.body.content ?? '').replace(/@\u200b/g, '')))).toBe(true);
  });
});

describe('Discord: staff', () => {
  it('staff get the full report, ephemeral, with buttons; a ticket from it', async () => {
    const id = discord.interaction('command', { user: STAFF, roles: [STAFF_ROLE], name: '2fa-diagnose', options: [{ name: 'user', type: 3, value: 'carol' }, { name: 'ip', type: 3, value: '10.1.1.1' }] });
    expect((await discord.waitFor((c) => c.path.startsWith(`/interactions/${id}/`))).body).toMatchObject({ type: 5, data: { flags: 64 } });
    const report = await discord.waitFor((c) => c.method === 'PATCH' && c.path.includes(`tok-${id}`));
    expect(String(report.body.content)).toMatch(/account\.found[\s\S]*token\.pending-overdue[\s\S]*network\.private/);
    const ticketButton = JSON.stringify(report.body.components).match(/"custom_id":"(diag:ticket:[^"]+)"/)?.[1] as string;
    expect(ticketButton).toBeDefined();
    const click = discord.interaction('button', { user: STAFF, roles: [STAFF_ROLE], customId: ticketButton });
    const done = await discord.waitFor((c) => c.method === 'PATCH' && c.path.includes(`tok-${click}`) && /Ticket HD-/.test(String(c.body.content)));
    expect(String(done.body.content)).toMatch(/for carol/);
    // The staff member by their name in the server, not their id.
    const reference = /HD-[A-Z0-9]{6}/.exec(String(done.body.content))![0];
    expect((await app.tickets.get(reference))?.ticket.note).toBe('Opened by Discord staff member staffer from /2fa-diagnose.');
  });

  it('anyone else gets a refusal that reveals nothing, and nothing is looked up', async () => {
    const before = app.demo?.totalRequests();
    const id = discord.interaction('command', { user: BOB, roles: [], name: '2fa-diagnose', options: [{ name: 'user', type: 3, value: 'carol' }] });
    const refusal = await discord.waitFor((c) => c.method === 'PATCH' && c.path.includes(`tok-${id}`));
    expect(String(refusal.body.content)).toMatch(/diagnostics are for the support team/);
    expect(JSON.stringify(refusal.body)).not.toMatch(/carol|pending/);
    expect(app.demo?.totalRequests()).toBe(before);
  });
});

describe('Discord: the gateway', () => {
  it('survives a reconnect (op 7) in the middle of a conversation: resumed, no reply lost or doubled', async () => {
    const dm = discord.dmMessage({ id: '600000000000000010', username: 'rita' }, 'menu');
    await discord.waitFor(sent(dm, /What do you need help with/));
    const identifies = discord.identifies;
    discord.reconnect();
    // This arrives while the client is reconnecting; the resume replays it.
    discord.interaction('button', { user: { id: '600000000000000010', username: 'rita' }, dm: true, channelId: dm, customId: 'choice:token_not_active' });
    await discord.waitFor(sent(dm, /look up your token/), 15_000);
    for (let waited = 0; discord.resumes === 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(discord.calls.filter(sent(dm, /look up your token/))).toHaveLength(1);
    expect(discord.resumes).toBeGreaterThanOrEqual(1);
    expect(discord.identifies).toBe(identifies);
    discord.dmMessage({ id: '600000000000000010', username: 'rita' }, 'menu', dm);
    await discord.waitFor((c) => sent(dm, /What do you need help with/)(c) && c.at > Date.now() - 5000);
  });

  it('a DM a deposed leader accepted but did not run is finished once by the leader', async () => {
    const CAROL = { id: '600000000000000004', username: 'carol' };
    const dm = discord.dmMessage(CAROL, "my code doesn't work");
    await discord.waitFor(sent(dm, /What is your UPPMAX username/));
    // The gateway handed the next message to a leader deposed before its turn: accepted, not run.
    const at = Date.now();
    const to = { channel: dm, user: CAROL.id };
    expect(await app.store.accept('discord:lost-1', { conversationId: `discord:${dm}:${CAROL.id}`, event: { type: 'text', text: 'carol' }, to }, at)).toBe(true);
    expect(await channel.resume(at + 1_000)).toBe(0);
    expect(await channel.resume(at + 10 * 60_000)).toBe(1);
    await discord.waitFor(sent(dm, /If an account exists for that name/));
    expect(await channel.resume(at + 60 * 60_000)).toBe(0);
    expect(discord.calls.filter(sent(dm, /If an account exists for that name/))).toHaveLength(1);
  });

  it('an out-of-band reply Discord does not take (503) waits in the outbox and is sent once when Discord takes messages again', async () => {
    // A DM conversation exists; a watch notice for it arrives out of band while Discord answers 503.
    const dm = discord.dmMessage({ id: '600000000000000077', username: 'gus' }, 'hello');
    await discord.waitFor(sent(dm, /./), 30_000);
    let refused = 0;
    discord.refuse = (c) => {
      if (c.method !== 'POST' || c.path !== `/channels/${dm}/messages` || !/token is active/.test(content(c)) || refused >= 4) return undefined;
      refused++;
      return { status: 503, code: 0, message: 'Service Unavailable' };
    };
    try {
      await app.outOfBand.deliver(`discord:${dm}`, [{ kind: 'text', text: 'Your token is active now.' }], { strict: true });
      await discord.waitFor((c) => sent(dm, /token is active/)(c) && discord.calls.filter(sent(dm, /token is active/)).length > refused, 60_000);
      expect(refused).toBeGreaterThan(0);
      // Once through: nothing after it, however long it waits.
      await new Promise((r) => setTimeout(r, 6000));
      expect(discord.calls.filter(sent(dm, /token is active/)).length).toBe(refused + 1);
      expect(await app.store.waiting('discord:')).toEqual([]);
    } finally {
      discord.refuse = undefined;
    }
  }, 90_000);

  it('npm run discord:register registers both commands', async () => {
    const r = await runCli(['discord', 'register'], baseEnv({ DATA_DIR: tempDataDir(), DISCORD_TOKEN: 'test-bot-token-0123456789', DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: discord.apiUrl, DISCORD_GUILD_ID: '200000000000000001' }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/registered 2 commands for server 200000000000000001/);
    const put = discord.calls.find((c) => c.method === 'PUT' && c.path === `/applications/${APP_ID}/guilds/200000000000000001/commands`);
    expect(JSON.stringify(put?.body)).toMatch(/"name":"2fa"[\s\S]*"name":"2fa-diagnose"/);
  });
});

describe('Discord: private threads', () => {
  it('/2fa opens a private thread with the person, and the conversation goes on there', async () => {
    const peer = await startDiscord();
    const threadApp = await createHelpdesk(
      loadConfig({ PORT: '0', DATA_DIR: tempDataDir(), DNS_SERVERS: '127.0.0.1:9', DISCORD_TOKEN: 'test-bot-token-0123456789', DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: peer.apiUrl, DISCORD_CONVERSATION: 'thread' }),
      { log: recordingLogger() },
    );
    const threads = createDiscordChannel(channelContext(threadApp), discordSettings.parse(threadApp.config));
    await threads.start();
    await threads.ready();
    try {
      const id = peer.interaction('command', { user: ALICE, name: '2fa', options: [{ name: 'problem', type: 3, value: 'my new token is not active' }] });
      const created = await peer.waitFor((c) => c.method === 'POST' && /^\/channels\/\d+\/threads$/.test(c.path));
      expect(created.body).toMatchObject({ type: 12, invitable: false });
      await peer.waitFor((c) => c.method === 'PUT' && c.path.endsWith(`/thread-members/${ALICE.id}`));
      const first = await peer.waitFor((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path) && /look up your token/.test(String(c.body.content)));
      const threadId = first.path.split('/')[2] as string;
      const pointer = await peer.waitFor((c) => c.method === 'PATCH' && c.path.includes(`tok-${id}`));
      expect(String(pointer.body.content)).toContain(`<#${threadId}>`);
      peer.guildMessage(ALICE, threadId, 'alice');
      await peer.waitFor((c) => c.method === 'POST' && c.path === `/channels/${threadId}/messages` && /a mail with a confirmation code/.test(String(c.body.content)));
      // Nothing went to the channel the command was typed in.
      expect(peer.calls.some((c) => c.method === 'POST' && c.path === `/channels/${'300000000000000001'}/messages`)).toBe(false);
    } finally {
      await threads.stop();
      await threadApp.close();
      await peer.close();
    }
  });
});
