// The real Bolt app (HTTP receiver, on the helpdesk's own port) with correctly signed requests, and
// a local fake of the Slack Web API that records what the bot did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackChannel, type SlackChannel } from '../../src/channels/slack/channel.ts';
import { slackSettings } from '../../src/channels/slack/settings.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import { escapeMrkdwn } from '../../src/channels/slack/blocks.ts';
import type { WebServer } from '../../src/channels/web/server.ts';
import { startSlackHelpdesk, type SlackHelpdesk } from '../helpers/slack-helpdesk.ts';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk } from '../../src/main.ts';
import { SECRETS, recordingLogger } from '../helpers/fakes.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { eventBody, postAction, postCommand, postEvent, postSigned, sign } from '../helpers/slack.ts';
import { startSlackApi, type SlackApiPeer, type SlackCall } from '../peers/slack-api.ts';
import { sqlOf } from '../helpers/store.ts';

let api: SlackApiPeer;
let dataDir: string;
let app: Helpdesk;
let slack: SlackChannel;
let web: WebServer;

let helpdesk: SlackHelpdesk;

async function boot() {
  helpdesk = await startSlackHelpdesk(api, { DATA_DIR: dataDir, SLACK_STAFF_USERS: 'USTAFF', SLACK_STAFF_GROUP: 'SHELP' });
  ({ app, slack, web } = helpdesk);
}

const shutdown = () => helpdesk.close();

beforeAll(async () => {
  api = await startSlackApi();
  api.users = {
    UALICE: { name: 'alice', email: 'alice@example.org' },
    UBOB: { name: 'bob', email: 'bob@example.org' },
    USTAFF: { name: 'staff', email: 'staff@example.org' },
    UGROUP: { name: 'groupie', email: 'g@example.org' },
    UNOMAIL: { name: 'nomail' },
    UCAROL: { name: 'carol', email: 'carol@example.org' },
  };
  api.usergroups = { SHELP: ['UGROUP'] };
  dataDir = tempDataDir();
  await boot();
});
afterAll(async () => {
  await shutdown();
  await api.close();
});

const textOf = (c: SlackCall) => JSON.stringify(c.args.blocks ?? c.args.text ?? '');
const dm = (user: string, text: string) => ({ type: 'message', channel_type: 'im', channel: `D${user}`, user, text, ts: `${Date.now() / 1000}` });

/** The message a turn ends in: posted, or the progress message updated in place. */
async function turnMessage(channel: string, match: RegExp): Promise<SlackCall> {
  return api.waitFor((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === channel && match.test(textOf(c)));
}

describe('Slack: people', () => {
  it('a DM conversation through a whole flow, with the account found by the Slack profile e-mail and a button click', async () => {
    let res = await postEvent(web.url, dm('UALICE', "my code doesn't work"));
    expect(res.status).toBe(200);
    const asked = await turnMessage('DUALICE', /The account alice exists[\s\S]*token is active[\s\S]*code it shows right now/);
    // Progress was one message, updated in place: the final answer is an update of it.
    expect(asked.method).toBe('chat.update');
    const progress = api.callsOf('chat.postMessage').find((c) => c.args.channel === 'DUALICE' && /Checking/.test(String(c.args.text)));
    expect(progress).toBeDefined();
    expect(asked.args.ts).toBeDefined();

    if ((Date.now() / 1000) % 30 > 25) await new Promise((r) => setTimeout(r, 5500));
    res = await postEvent(web.url, dm('UALICE', oathtoolCode(SECRETS.alice as string, Date.now())));
    expect(res.status).toBe(200);
    const valid = await turnMessage('DUALICE', /That code is correct[\s\S]*Did that solve it/);
    const buttons = (valid.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');
    expect(buttons?.elements?.map((e) => e.action_id)).toEqual(['choice:yes', 'choice:no']);

    res = await postAction(web.url, {
      user: { id: 'UALICE' },
      channel: { id: 'DUALICE' },
      container: { type: 'message', message_ts: String(valid.args.ts ?? '1') },
      message: { ts: '1700000999.000', blocks: valid.args.blocks },
      response_url: `${api.url}/respond/a1`,
      actions: [{ type: 'button', action_id: 'choice:yes', value: 'yes', text: { type: 'plain_text', text: 'Yes' }, block_id: 'choices', action_ts: '1' }],
    });
    expect(res.status).toBe(200);
    await api.waitFor((c) => c.method === 'chat.update' && c.args.ts === '1700000999.000' && /→ Yes/.test(textOf(c)));
    await turnMessage('DUALICE', /Anything else\?/);
  });

  it('the findings come as a checklist card: a title, the account ticked, the pending token under an hourglass with its minutes', async () => {
    const res = await postEvent(web.url, dm('UBOB', 'my new token does not work yet'));
    expect(res.status).toBe(200);
    const answered = await turnMessage('DUBOB', /registered 5 minutes ago/);
    const blocks = answered.args.blocks as Array<{ type: string; block_id?: string; text?: { text: string } }>;
    const cards = blocks.filter((b) => b.block_id === 'checklist');
    expect(cards).toHaveLength(1);
    const [title, ...rows] = (cards[0]!.text?.text ?? '').split('\n');
    expect(title).toBe('*What the helpdesk checked*');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^:white_check_mark: The account bob exists/);
    expect(rows[1]).toMatch(/^:hourglass_flowing_sand: Your token was registered 5 minutes ago and is still being activated/);
    // Every finding is in the card, and nowhere else.
    expect(blocks.filter((b) => /registered 5 minutes ago/.test(b.text?.text ?? ''))).toEqual([cards[0]]);
  });

  it('the phone clock link in a DM feeds its measurement back into the same DM', async () => {
    await postEvent(web.url, dm('UALICE', 'menu'));
    await postEvent(web.url, dm('UALICE', '2'));
    await turnMessage('DUALICE', /code it shows right now/);
    await postEvent(web.url, dm('UALICE', 'skip'));
    const prompt = await turnMessage('DUALICE', /What time does your phone show/);
    const url = /"url":"([^"]+\/c\/[^"]+)"/.exec(JSON.stringify(prompt.args.blocks))?.[1] as string;
    expect(url).toBeDefined();
    const token = url.split('/c/')[1];
    const res = await fetch(`${web.url}/api/clock/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetMs: 90_400, errorMs: 3 }) });
    expect(res.status).toBe(200);
    await api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUALICE' && /Your device is 90 s ahead[\s\S]*Did that solve it/.test(textOf(c)));
  });

  it('a mention is answered in the thread, and the conversation moves to a DM', async () => {
    await postEvent(web.url, { type: 'app_mention', channel: 'CGENERAL', user: 'UBOB', text: '<@UBOT> my new token is not active', ts: '1700001000.000100' });
    const thread = await api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'CGENERAL');
    expect(thread.args.thread_ts).toBe('1700001000.000100');
    expect(String(thread.args.text)).not.toMatch(/bob@|minutes/);
    await turnMessage('DUBOB', /registered 5 minutes ago/);
    // Nothing about the account went to the channel.
    expect(api.calls.filter((c) => c.args.channel === 'CGENERAL').every((c) => !/token|minutes|bob@/.test(textOf(c)))).toBe(true);
  });

  it('a Swedish mention is answered in Swedish in the channel, and the DM goes on in Swedish', async () => {
    await postEvent(web.url, { type: 'app_mention', channel: 'CRANDOM', user: 'UCAROL', text: '<@UBOT> hej, min nya token fungerar inte fortfarande', ts: '1700001100.000100' });
    const thread = await api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'CRANDOM');
    expect(String(thread.args.text)).toMatch(/direktmeddelande/);
    expect(String(thread.args.text)).not.toMatch(/direct message/);
    await turnMessage('DUCAROL', /Din token registrerades/);
  });

  it('the slash command acks at once and starts in a DM', async () => {
    const res = await postCommand(web.url, { command: '/2fa', text: '', user_id: 'UBOB', user_name: 'bob', channel_id: 'CGENERAL', response_url: `${api.url}/respond/c1`, trigger_id: 't' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/direct message/) });
    const menu = await turnMessage('DUBOB', /What do you need help with/);
    const topics = (menu.args.blocks as Array<{ type: string; elements?: unknown[] }>).find((b) => b.type === 'actions');
    expect(topics?.elements).toHaveLength(9);
  });

  it('the App Home lists the topics', async () => {
    await postEvent(web.url, { type: 'app_home_opened', user: 'UALICE', channel: 'DUALICE', tab: 'home' });
    const view = await api.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'UALICE');
    expect(JSON.stringify(view.args.view)).toMatch(/home-topic:code_rejected[\s\S]*home-topic:human/);
  });

  it('a person without an e-mail on their profile gets no account facts until they prove who they are', async () => {
    await postEvent(web.url, dm('UNOMAIL', 'my new token is not active'));
    await turnMessage('DUNOMAIL', /username/);
    await postEvent(web.url, dm('UNOMAIL', 'carol'));
    const answer = await turnMessage('DUNOMAIL', /If an account exists for that name/);
    expect(textOf(answer)).not.toMatch(/120 minutes|pending/);
  });

  it('user text can never ping a channel or forge a link, and a secret gets a warning and is not stored', async () => {
    await postEvent(web.url, dm('UBOB', 'menu'));
    await postEvent(web.url, dm('UBOB', '<!channel> @here <https://evil.example|click me> hello'));
    const reply = await turnMessage('DUBOB', /not sure what you mean/);
    expect(textOf(reply)).not.toMatch(/<!channel>|evil\.example|@here/);
    await postEvent(web.url, dm('UBOB', 'my secret is MG76KQXW4M5RI4D2O4WKFYC5NFU3WOWR'));
    await turnMessage('DUBOB', /Never share it/);
    const stored = await sqlOf(app).all("SELECT snapshot FROM conversations WHERE id LIKE 'slack:%UBOB'");
    expect(JSON.stringify(stored)).not.toContain('MG76KQXW');
    expect(escapeMrkdwn('<!everyone> @channel & <@U1>')).toBe('&lt;!everyone&gt; @\u200bchannel &amp; &lt;@U1&gt;');
  });
});

describe('Slack: token watches', () => {
  it('"tell me when it is active": one DM when the token becomes active, never a second', async () => {
    await postEvent(web.url, dm('UBOB', 'my new token does not work yet'));
    await turnMessage('DUBOB', /Shall I tell you here when it is active\?/);
    await postEvent(web.url, dm('UBOB', 'yes'));
    await turnMessage('DUBOB', /I will tell you here as soon as your token is active/);
    app.demo?.activate('bob');
    await app.backends.forget({ users: ['bob'], emails: [] });
    await app.watcher.tick();
    await app.watcher.tick();
    const notice = await turnMessage('DUBOB', /Your token is active now/);
    expect(notice.method).toBe('chat.postMessage');
    await app.watcher.tick();
    await new Promise((r) => setTimeout(r, 300));
    expect(api.calls.filter((c) => c.args.channel === 'DUBOB' && /Your token is active now/.test(textOf(c)))).toHaveLength(1);
  });
});

describe('Slack: staff diagnostics', () => {
  it('staff get the full report, ephemeral, with buttons; the transcript and a ticket', async () => {
    const res = await postCommand(web.url, { command: '/2fa-diagnose', text: '<@UALICE|alice> 10.0.0.1', user_id: 'USTAFF', user_name: 'staff', channel_id: 'CSUPPORT', response_url: `${api.url}/respond/d1`, trigger_id: 't' });
    expect(res.status).toBe(200);
    const report = await api.waitForResponse((r) => r.path === '/respond/d1' && Array.isArray(r.body.blocks));
    expect(report.body.response_type).toBe('ephemeral');
    const text = JSON.stringify(report.body.blocks);
    expect(text).toMatch(/account\.found[\s\S]*token\.active[\s\S]*clock\.unmeasured[\s\S]*network\.private/);
    expect(text).toMatch(/diag:rerun[\s\S]*diag:transcript[\s\S]*diag:ticket/);

    const value = JSON.stringify({ u: 'alice@example.org', ip: '10.0.0.1' });
    await postAction(web.url, { user: { id: 'USTAFF' }, channel: { id: 'CSUPPORT' }, response_url: `${api.url}/respond/d2`, actions: [{ type: 'button', action_id: 'diag:transcript', value, block_id: 'diagnose', action_ts: '1' }] });
    const transcript = await api.waitForResponse((r) => r.path === '/respond/d2');
    expect(String(transcript.body.text)).toMatch(/Latest conversation with alice@example\.org[\s\S]*my code doesn't work/);

    await postAction(web.url, { user: { id: 'UGROUP' }, channel: { id: 'CSUPPORT' }, response_url: `${api.url}/respond/d3`, actions: [{ type: 'button', action_id: 'diag:ticket', value, block_id: 'diagnose', action_ts: '1' }] });
    const ticket = await api.waitForResponse((r) => r.path === '/respond/d3');
    const reference = /HD-[A-Z0-9]{6}/.exec(String(ticket.body.text))?.[0] as string;
    expect(reference).toBeDefined();
    expect((await app.tickets.get(reference))?.ticket).toMatchObject({ subject: { user: 'alice@example.org', identity: 'staff' } });
    // The staff member by their Slack name, not their id.
    expect((await app.tickets.get(reference))?.ticket.note).toBe('Opened by Slack staff member groupie from /2fa-diagnose.');
  });

  it('anyone else gets a polite refusal that reveals nothing, and nothing is looked up', async () => {
    const before = app.demo?.totalRequests() ?? 0;
    const res = await postCommand(web.url, { command: '/2fa-diagnose', text: 'carol', user_id: 'UBOB', user_name: 'bob', channel_id: 'CGENERAL', response_url: `${api.url}/respond/n1`, trigger_id: 't' });
    expect(res.status).toBe(200);
    const refusal = await api.waitForResponse((r) => r.path === '/respond/n1');
    expect(String(refusal.body.text)).toMatch(/diagnostics are for the support team/);
    expect(JSON.stringify(refusal.body)).not.toMatch(/carol|pending|account/i);
    expect(app.demo?.totalRequests()).toBe(before);
    await postAction(web.url, { user: { id: 'UBOB' }, channel: { id: 'CGENERAL' }, response_url: `${api.url}/respond/n2`, actions: [{ type: 'button', action_id: 'diag:transcript', value: JSON.stringify({ u: 'alice' }), block_id: 'diagnose', action_ts: '1' }] });
    expect(String((await api.waitForResponse((r) => r.path === '/respond/n2')).body.text)).toMatch(/for the support team/);
  });
});

describe('Slack: the transport', () => {
  it('a retried event never produces a second reply, even across a restart', async () => {
    const event = dm('UBOB', 'talk to a person');
    const eventId = `EvRetry${Date.now()}`;
    await postEvent(web.url, event, { eventId });
    await turnMessage('DUBOB', /So the support team can find you|Describe in a sentence/);
    const count = () => api.calls.filter((c) => c.args.channel === 'DUBOB' && /Describe in a sentence|So the support team can find you/.test(textOf(c))).length;
    const first = count();
    const retry = await postEvent(web.url, event, { eventId, retryNum: 1 });
    expect(retry.status).toBe(200);
    await shutdown();
    await boot();
    const again = await postEvent(web.url, event, { eventId, retryNum: 2 });
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(count()).toBe(first);
  });

  it('bad signatures, stale timestamps and timestamps more than five minutes ahead get 401', async () => {
    const body = eventBody(dm('UBOB', 'hello'));
    const forged = await postSigned(web.url, body, 'application/json', {}, sign(body, undefined, 'wrong-secret'));
    expect(forged.status).toBe(401);
    const stale = await postSigned(web.url, body, 'application/json', {}, sign(body, Math.floor(Date.now() / 1000) - 6 * 60));
    expect(stale.status).toBe(401);
    // Validly signed, but stamped ahead: a year, and six minutes (more than Slack's five).
    for (const ahead of [365 * 24 * 3600, 6 * 60]) {
      const future = await postSigned(web.url, body, 'application/json', {}, sign(body, Math.floor(Date.now() / 1000) + ahead));
      expect(future.status).toBe(401);
    }
    const unsigned = await fetch(`${web.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
  });

  it('acks within Slack\'s 3 s even when the Slack API is slow', async () => {
    api.delayMs = 2500;
    try {
      const started = performance.now();
      const res = await postEvent(web.url, dm('UALICE', 'menu'));
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1000);
      const cmd = performance.now();
      const r2 = await postCommand(web.url, { command: '/2fa-diagnose', text: 'alice', user_id: 'USTAFF', user_name: 's', channel_id: 'C1', response_url: `${api.url}/respond/slow`, trigger_id: 't' });
      expect(r2.status).toBe(200);
      expect(performance.now() - cmd).toBeLessThan(1000);
      await api.waitForResponse((r) => r.path === '/respond/slow', 15_000);
    } finally {
      api.delayMs = 0;
    }
  });
});

describe('Slack: Socket Mode', () => {
  it('connects to a local WebSocket server, acks each envelope, and answers', async () => {
    const config = loadConfig({ PORT: '0', DATA_DIR: tempDataDir(), DNS_SERVERS: '127.0.0.1:9', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-test', SLACK_API_URL: api.apiUrl });
    const socketApp = await createHelpdesk(config, { log: recordingLogger() });
    const channel = await createSlackChannel(channelContext(socketApp), slackSettings.parse(config));
    expect(channel.mode).toBe('socket');
    expect(channel.routes).toBeUndefined();
    const connected = new Promise<void>((resolve) => {
      api.onSocket = () => resolve();
    });
    const before = api.sockets.length;
    await channel.start();
    await connected;
    try {
      expect(api.callsOf('apps.connections.open').length).toBeGreaterThan(0);
      const ws = api.sockets[before]!;
      const body = JSON.parse(eventBody(dm('UALICE', 'do I need two-factor from here?'), 'EvSocket1'));
      ws.send(JSON.stringify({ envelope_id: 'env-1', type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '', payload: body }));
      await turnMessage('DUALICE', /Which IP address do you connect from/);
      expect(api.socketMessages).toContainEqual(expect.objectContaining({ envelope_id: 'env-1' }));
    } finally {
      api.onSocket = undefined;
      await channel.stop();
      await socketApp.close();
    }
  });
});
