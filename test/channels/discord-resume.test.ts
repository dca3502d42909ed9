// A leader change with DMs sent while no replica holds the gateway: the real discord.js
// client against the local gateway, which keeps a session resumable and replays on RESUME as Discord
// does (https://discord.com/developers/docs/events/gateway#resuming). Two leaders in turn on one
// store, as two replicas would be.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDiscordChannel, type DiscordChannel } from '../../src/channels/discord/channel.ts';
import { SESSION_KEY, type StoredSession } from '../../src/channels/discord/session.ts';
import { discordSettings } from '../../src/channels/discord/settings.ts';
import { INBOX_RESUME_AFTER_MS } from '../../src/channels/shared/inbox.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk } from '../../src/main.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { APP_ID, startDiscord, type DiscordPeer } from '../peers/discord.ts';

let discord: DiscordPeer;
let app: Helpdesk;
let config: ReturnType<typeof loadConfig>;
const leaders: DiscordChannel[] = [];

beforeAll(async () => {
  discord = await startDiscord();
  config = loadConfig({
    PORT: '0',
    DATA_DIR: tempDataDir(),
    DNS_SERVERS: '127.0.0.1:9',
    SMTP_URL: 'smtp://127.0.0.1:9',
    DISCORD_TOKEN: 'test-bot-token-0123456789',
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: discord.apiUrl,
  });
  app = await createHelpdesk(config, { log: recordingLogger() });
}, 30_000);
afterAll(async () => {
  for (const l of leaders) await l.stop();
  await app?.close();
  await discord?.close();
});

async function lead(): Promise<DiscordChannel> {
  const channel = createDiscordChannel(channelContext(app), discordSettings.parse(config));
  leaders.push(channel);
  await channel.start();
  await channel.ready();
  return channel;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`not in ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stored = async () => {
  const json = await app.shared.get(SESSION_KEY);
  return json ? (JSON.parse(json) as StoredSession) : undefined;
};
const repliesIn = (channelId: string) => discord.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`).length;
async function typedTimes(channelId: string, userId: string, text: string): Promise<number> {
  const saved = await app.store.load(`discord:${channelId}:${userId}`);
  return saved.kind === 'found' ? saved.snapshot.transcript.filter((l) => l[1] === 'u' && l[2] === text).length : 0;
}

it('DMs sent while no leader holds the gateway are replayed to the next leader, which resumes the session, and each runs once', async () => {
  const carol = { id: '620000000000000001', username: 'carol' };
  const dave = { id: '620000000000000002', username: 'dave' };
  const first = await lead();
  const carolDm = discord.dmMessage(carol, 'note before the change');
  await until('the first leader answered', () => repliesIn(carolDm) === 1);
  await until('the session is in the store', async () => (await stored())?.sessionId === 'session-1');

  // The leader steps down (deposed, or shut down): the session stays resumable, nobody holds it.
  await first.stop();
  expect(discord.open).toBe(0);
  expect(discord.sessions).toBe(1);
  discord.dmMessage(carol, 'note while nobody leads', carolDm);
  const daveDm = discord.dmMessage(dave, 'note from someone new');

  await lead();
  await until('both DMs answered', () => repliesIn(carolDm) === 2 && repliesIn(daveDm) === 1);
  expect(discord.resumes).toBe(1);
  expect(await typedTimes(carolDm, carol.id, 'note while nobody leads')).toBe(1);
  expect(await typedTimes(daveDm, dave.id, 'note from someone new')).toBe(1);
  // The old session ended once drained (close 1000); the new leader's own is stored for the next.
  expect(discord.sessions).toBe(1);
  await until('the new session is in the store', async () => (await stored())?.sessionId === 'session-2');
  // A message after the change is the new session's, answered once; nothing was answered twice.
  discord.dmMessage(carol, 'note after the change', carolDm);
  await until('answered after the change', () => repliesIn(carolDm) === 3);
  expect(await typedTimes(carolDm, carol.id, 'note before the change')).toBe(1);
  expect(await typedTimes(carolDm, carol.id, 'note after the change')).toBe(1);
}, 60_000);

it('a stored session Discord no longer has is refused (op 9), and the next leader identifies as usual', async () => {
  const erin = { id: '620000000000000003', username: 'erin' };
  for (const l of leaders.splice(0)) await l.stop();
  await app.shared.set(SESSION_KEY, JSON.stringify({ sessionId: 'session-gone', resumeUrl: discord.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, ''), seq: 7 }));
  const identifies = discord.identifies;
  await lead();
  expect(discord.invalidResumes).toBe(1);
  expect(discord.identifies).toBe(identifies + 1);
  const dm = discord.dmMessage(erin, 'note after a refused resume');
  await until('answered', () => repliesIn(dm) === 1);
  expect(await typedTimes(dm, erin.id, 'note after a refused resume')).toBe(1);
}, 60_000);

it('a DM answered but not stored (a backend terminated under its save) stays in the inbox, and the leader runs it again, once', async () => {
  const frank = { id: '620000000000000004', username: 'frank' };
  for (const l of leaders.splice(0)) await l.stop();
  const ctx = channelContext(app);
  const real = ctx.conversations;
  let failing = true;
  // The first turn is answered with the apology and not stored, as the runner does when its store fails.
  ctx.conversations = {
    ...real,
    turn: async (id, event, options) => (failing ? { replies: [{ kind: 'text', text: 'Sorry, something went wrong.' }], conversation: { id, lang: 'en' } as never, saved: false } : real.turn(id, event, options)),
  };
  const channel = createDiscordChannel(ctx, discordSettings.parse(config));
  leaders.push(channel);
  await channel.start();
  await channel.ready();
  const dm = discord.dmMessage(frank, 'note not stored at first');
  await until('the apology sent', () => repliesIn(dm) === 1);
  expect(await typedTimes(dm, frank.id, 'note not stored at first')).toBe(0);
  failing = false;
  // Not done: the leader's next look (once the inbox gives it up) finds it and runs it; after that, nothing is left.
  expect(await channel.resume(Date.now() + INBOX_RESUME_AFTER_MS + 1_000)).toBe(1);
  expect(await typedTimes(dm, frank.id, 'note not stored at first')).toBe(1);
  expect(await channel.resume(Date.now() + 10 * 60_000)).toBe(0);
}, 60_000);
