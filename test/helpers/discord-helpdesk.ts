// A helpdesk with its Discord channel in this process: the real discord.js client against the local
// Discord (peers/discord.ts: REST and gateway on loopback), its relay registered and its gateway
// ready. What a test adds is its own environment.
import { createDiscordChannel, type DiscordChannel } from '../../src/channels/discord/channel.ts';
import { registerDiscordRelay } from '../../src/channels/discord/relay.ts';
import { discordSettings } from '../../src/channels/discord/settings.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk, type HelpdeskOptions } from '../../src/main.ts';
import { APP_ID, type DiscordPeer } from '../peers/discord.ts';
import { tempDataDir } from './cli.ts';
import { recordingLogger } from './fakes.ts';

export interface DiscordHelpdesk {
  app: Helpdesk;
  channel: DiscordChannel;
  /** Stops the channel and the helpdesk. */
  close(): Promise<void>;
}

/** `env` is added to (and may replace) the defaults: a fresh DATA_DIR, no DNS. */
export async function startDiscordHelpdesk(discord: DiscordPeer, env: Record<string, string> = {}, options: HelpdeskOptions = {}): Promise<DiscordHelpdesk> {
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: tempDataDir(),
    DNS_SERVERS: '127.0.0.1:9',
    DISCORD_TOKEN: 'test-bot-token-0123456789',
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: discord.apiUrl,
    ...env,
  });
  const app = await createHelpdesk(config, { log: recordingLogger(), ...options });
  registerDiscordRelay(channelContext(app));
  const channel = createDiscordChannel(channelContext(app), discordSettings.parse(config));
  await channel.start();
  await channel.ready();
  return {
    app,
    channel,
    async close() {
      await channel.stop();
      await app.close();
    },
  };
}
