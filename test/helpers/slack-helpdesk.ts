// A helpdesk with its Slack channel in this process, as `serve` runs it in HTTP mode: the real Bolt
// receiver on the helpdesk's own web port (signed requests: helpers/slack.ts), the local fake of the
// Slack Web API (peers/slack-api.ts) behind it. What a test or bench adds is its own environment.
import { createSlackChannel, type SlackChannel, type SlackChannelOptions } from '../../src/channels/slack/channel.ts';
import { slackSettings } from '../../src/channels/slack/settings.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import type { WebServer } from '../../src/channels/web/server.ts';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk, type HelpdeskOptions } from '../../src/main.ts';
import type { SlackApiPeer } from '../peers/slack-api.ts';
import { tempDataDir } from './cli.ts';
import { recordingLogger } from './fakes.ts';
import { SIGNING_SECRET } from './slack.ts';
import { startWebFor } from './web.ts';

export interface SlackHelpdesk {
  app: Helpdesk;
  slack: SlackChannel;
  web: WebServer;
  /** Stops the web server, the channel (its queued turns finished) and the helpdesk. */
  close(): Promise<void>;
}

export interface SlackHelpdeskOptions extends HelpdeskOptions {
  /** The bot's ids, so Bolt does not ask auth.test for them. */
  ids?: SlackChannelOptions;
}

/** `env` is added to (and may replace) the defaults: a fresh DATA_DIR, no DNS, no typing delay. */
export async function startSlackHelpdesk(api: SlackApiPeer, env: Record<string, string> = {}, options: SlackHelpdeskOptions = {}): Promise<SlackHelpdesk> {
  const { ids, ...helpdesk } = options;
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: tempDataDir(),
    DNS_SERVERS: '127.0.0.1:9',
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: api.apiUrl,
    TYPING_DELAY_SECONDS: '0',
    ...env,
  });
  const app = await createHelpdesk(config, { log: recordingLogger(), ...helpdesk });
  const slack = await createSlackChannel(channelContext(app), slackSettings.parse(config), ids);
  await slack.start();
  await slack.ready();
  const web = await startWebFor(app, slack.routes ?? []);
  return {
    app,
    slack,
    web,
    async close() {
      await web.close();
      await slack.stop();
      await app.close();
    },
  };
}
