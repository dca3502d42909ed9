// Whole conversations on every channel (web, Slack, Discord, terminal) and `diagnose`, logged at the
// default level through the real logger: no line may hold a username, an e-mail address, an IP
// address, a code or a Slack or Discord id. LOG_PERSONAL_DATA=true writes them, after a warning.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logger.ts';
import { channelLogRules } from '../../src/app/observability.ts';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk } from '../../src/main.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import { runTerminalChat } from '../../src/channels/terminal/chat.ts';
import { ChatClient, startWebApp } from '../helpers/web.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { postEvent } from '../helpers/slack.ts';
import { startSlackHelpdesk, type SlackHelpdesk } from '../helpers/slack-helpdesk.ts';
import { startDiscordHelpdesk, type DiscordHelpdesk } from '../helpers/discord-helpdesk.ts';
import { startSlackApi, type SlackApiPeer } from '../peers/slack-api.ts';
import { startDiscord, type DiscordPeer, type RestCall } from '../peers/discord.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';
import { SECRETS } from '../helpers/fakes.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';

const IP = '203.0.113.9';
const SLACK_ID = 'U04ALICE7Q';
const DISCORD_ID = '612345678901234567';
const base = { PORT: '0', DNS_SERVERS: '127.0.0.1:9', DNS_TIMEOUT_MS: '300', TYPING_DELAY_SECONDS: '0', NTP_SERVERS: '' };

function capture(personalData = false) {
  const lines: string[] = [];
  return { lines, log: createLogger('info', (l) => lines.push(l), {}, { personalData, channels: channelLogRules() }) };
}

/** Nothing personal in any line; and something was logged about the conversation, under a pseudonym. */
function expectClean(lines: string[], needles: string[]) {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) for (const n of needles) expect(line, `a log line holds ${n}`).not.toContain(n);
  expect(lines.join('\n')).toMatch(/"conversation":"[a-z]+:~[A-Za-z0-9_-]{10}"/);
}

describe('logs without personal data', () => {
  it('web: a conversation from a forwarded address, with a username and a code', async () => {
    const { lines, log } = capture();
    const w = await startWebApp({ ...base, TRUSTED_PROXIES: '127.0.0.1' }, { log });
    try {
      const client = new ChatClient(w.url);
      const say = async (event: unknown) => (await (await client.post('/api/chat', { event, lang: 'en' }, { 'x-forwarded-for': IP })).json()) as unknown;
      await say({ type: 'start' });
      await say({ type: 'text', text: "my code isn't accepted" });
      await say({ type: 'text', text: 'alice' });
      const code = oathtoolCode(SECRETS.alice!, Date.now());
      await say({ type: 'text', text: code });
      await say({ type: 'text', text: 'talk to a person' });
      await say({ type: 'text', text: 'please write to alice@example.org' });
      await say({ type: 'text', text: 'menu' });
      // The network check runs on the forwarded address.
      expect(JSON.stringify(await say({ type: 'choice', id: 'need_two_factor' }))).toContain(IP);
      await w.app.tickets.drain();
      await w.app.identity.idle();
      expectClean(lines, ['alice', IP, code]);
    } finally {
      await w.close();
    }
  });

  it('terminal: a conversation with --user and a code', async () => {
    const { lines, log } = capture();
    const app = await createHelpdesk(loadConfig({ ...base, DATA_DIR: tempDataDir() }), { log, watch: false });
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString('utf8')));
    const chat = runTerminalChat({ conversations: channelContext(app).conversations, input, output, conversationId: 'terminal:alice', user: 'alice', interactive: false, delivery: app.outOfBand });
    const code = oathtoolCode(SECRETS.alice!, Date.now());
    for (const line of ["my code isn't accepted", code, 'talk to a person', 'I am alice, mail alice@example.org']) {
      input.write(`${line}\n`);
      const before = printed.length;
      for (let i = 0; i < 200 && printed.length === before; i++) await new Promise((r) => setTimeout(r, 25));
    }
    input.end();
    await chat;
    await app.tickets.drain();
    await app.close();
    expectClean(lines, ['alice', code]);
  });

  it('diagnose: a report for a user, an address and a code', async () => {
    const { lines, log } = capture();
    const app = await createHelpdesk(loadConfig({ ...base, DATA_DIR: tempDataDir() }), { log, watch: false, conversations: false });
    try {
      const code = oathtoolCode(SECRETS.alice!, Date.now());
      const report = await app.diagnose({ user: 'alice', ip: IP, code, lang: 'en' });
      expect(report.subject.user).toBe('alice');
      for (const line of lines) for (const n of ['alice', IP, code]) expect(line).not.toContain(n);
    } finally {
      await app.close();
    }
  });

  describe('Slack', () => {
    let api: SlackApiPeer;
    let helpdesk: SlackHelpdesk;
    const { lines, log } = capture();
    beforeAll(async () => {
      api = await startSlackApi();
      api.users = { [SLACK_ID]: { name: 'alice', email: 'alice@example.org' } };
      helpdesk = await startSlackHelpdesk(api, base, { log });
    });
    afterAll(async () => {
      await helpdesk?.close();
      await api?.close();
    });

    it('a DM conversation, found by the profile e-mail, with a code and a hand-over', async () => {
      const dm = (text: string) => ({ type: 'message', channel_type: 'im', channel: `D${SLACK_ID}`, user: SLACK_ID, text, ts: `${Date.now() / 1000}` });
      const reply = (re: RegExp) => api.waitFor((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === `D${SLACK_ID}` && re.test(JSON.stringify(c.args.blocks ?? c.args.text ?? '')));
      await postEvent(helpdesk.web.url, dm("my code doesn't work"));
      await reply(/code it shows right now/);
      const code = oathtoolCode(SECRETS.alice!, Date.now());
      await postEvent(helpdesk.web.url, dm(code));
      await reply(/./);
      await postEvent(helpdesk.web.url, dm('talk to a person'));
      await reply(/./);
      await new Promise((r) => setTimeout(r, 300));
      expectClean(lines, ['alice', SLACK_ID, code]);
    });
  });

  describe('Discord', () => {
    let discord: DiscordPeer;
    let smtp: SmtpPeer;
    let helpdesk: DiscordHelpdesk;
    const { lines, log } = capture();
    const ALICE = { id: DISCORD_ID, username: 'alice' };
    beforeAll(async () => {
      discord = await startDiscord();
      smtp = await startSmtpServer();
      helpdesk = await startDiscordHelpdesk(discord, { ...base, SMTP_URL: smtp.url }, { log });
    }, 30_000);
    afterAll(async () => {
      await helpdesk?.close();
      await discord?.close();
      await smtp?.stop();
    });

    it('a DM conversation with an e-mail proof', async () => {
      const content = (c: RestCall) => `${String(c.body.content ?? '')} ${JSON.stringify(c.body.components ?? [])}`;
      const sent = (ch: string, re: RegExp) => (c: RestCall) => c.method === 'POST' && c.path === `/channels/${ch}/messages` && re.test(content(c));
      const dm = discord.dmMessage(ALICE, "my code doesn't work");
      await discord.waitFor(sent(dm, /What is your UPPMAX username/));
      discord.dmMessage(ALICE, 'alice', dm);
      await discord.waitFor(sent(dm, /a mail with a confirmation code/));
      const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('alice@example.org'));
      const proof = /\b[A-Z]{4}-[A-Z]{4}\b/.exec(mail.text ?? '')?.[0] as string;
      discord.dmMessage(ALICE, proof, dm);
      await discord.waitFor(sent(dm, /verified as alice/));
      await new Promise((r) => setTimeout(r, 300));
      expectClean(lines, ['alice', DISCORD_ID, proof, proof.replace('-', '')]);
    });
  });

  it('LOG_PERSONAL_DATA=true: everything as it is, after a warning line', () => {
    const { lines, log } = capture(true);
    log.info('check', { conversation: `slack:T1:D1:${SLACK_ID}`, user: 'alice' });
    expect(lines[0]).toMatch(/"level":"warn".*LOG_PERSONAL_DATA is on/);
    expect(lines[1]).toContain(SLACK_ID);
    expect(lines[1]).toContain('alice');
    expect(loadConfig({ LOG_PERSONAL_DATA: 'true' }).LOG_PERSONAL_DATA).toBe(true);
    expect(loadConfig({}).LOG_PERSONAL_DATA).toBe(false);
  });
});
