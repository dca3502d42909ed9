// Slack does not send an acked event again: an event accepted into the store's inbox by a replica
// that died before its turn (accepted, never run, the replica stopped) is answered by another
// replica, once, through the fake Slack Web API. Two replicas on the local PostgreSQL.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSlackChannel, type SlackChannel } from '../../src/channels/slack/channel.ts';
import { slackSettings } from '../../src/channels/slack/settings.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk } from '../../src/main.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { SIGNING_SECRET } from '../helpers/slack.ts';
import { isolated } from '../helpers/shared-services.ts';
import { startSlackApi, type SlackApiPeer, type SlackCall } from '../peers/slack-api.ts';

let api: SlackApiPeer;
const iso = isolated();

async function replica(): Promise<{ app: Helpdesk; slack: SlackChannel }> {
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: tempDataDir(),
    DNS_SERVERS: '127.0.0.1:9',
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: api.apiUrl,
    TYPING_DELAY_SECONDS: '0',
    ...iso.env,
  });
  const app = await createHelpdesk(config, { log: recordingLogger() });
  const slack = await createSlackChannel(channelContext(app), slackSettings.parse(config));
  await slack.start();
  await slack.ready();
  return { app, slack };
}

beforeAll(async () => {
  api = await startSlackApi();
  api.users = { UALICE: { name: 'alice', email: 'alice@example.org' } };
});
afterAll(async () => {
  await api.close();
  await iso.drop();
});

const textOf = (c: SlackCall) => JSON.stringify(c.args.blocks ?? c.args.text ?? '');

it('an event accepted by a replica that died before its turn is answered once by another replica', async () => {
  const dead = await replica();
  const live = await replica();
  try {
    // The first replica acked and accepted the DM, then died with it still queued.
    const at = Date.now();
    const accepted = await dead.app.seen.accept('slack:EvLost1', {
      conversationId: 'slack:T1:DUALICE:UALICE',
      event: { type: 'text', text: "my code doesn't work" },
      to: { team: 'T1', user: 'UALICE', channel: 'DUALICE' },
    }, at);
    expect(accepted).toBe(true);
    await dead.slack.stop();
    await dead.app.close();

    // Within the time a live replica may still be working through it, nobody takes it.
    expect(await live.slack.resume(at + 1_000)).toBe(0);
    expect(await live.slack.resume(at + 10 * 60_000)).toBe(1);
    const answer = await api.waitFor((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === 'DUALICE' && /The account alice exists/.test(textOf(c)));
    expect(answer).toBeTruthy();
    // Done: a later look, after its lease too, finds nothing; Slack's retry of the event is dropped.
    await live.slack.stop();
    expect(await live.app.seen.claim('slack:', 0, 0, at + 60 * 60_000)).toEqual([]);
    expect(await live.app.seen.markSeen('slack:EvLost1')).toBe(false);
    const saved = await live.app.store.load('slack:T1:DUALICE:UALICE');
    expect(saved.kind === 'found' && saved.snapshot.transcript.filter((l) => JSON.stringify(l).includes("my code doesn't work"))).toHaveLength(1);
    // One message (the progress, updated in place into the answer), and the answer given once.
    expect(api.calls.filter((c) => c.args.channel === 'DUALICE' && c.method === 'chat.postMessage')).toHaveLength(1);
    expect(api.calls.filter((c) => c.args.channel === 'DUALICE' && /The account alice exists/.test(textOf(c)))).toHaveLength(1);
  } finally {
    await live.slack.stop();
    await live.app.close();
  }
});
