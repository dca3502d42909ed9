// Every chat channel `serve` can run, one line each. Adding a channel: a folder under src/channels/
// whose index.ts exports a ChannelPlugin (see contract.ts), and its line here.
import type { AnyChannelPlugin } from './contract.ts';
import { webChannel } from './web/index.ts';
import { slackChannel } from './slack/index.ts';
import { discordChannel } from './discord/index.ts';
import { terminalChannel } from './terminal/index.ts';
import { linechatChannel } from './linechat/index.ts';

// The web channel first: it owns the HTTP port the others' routes are mounted on, and its line leads the banner.
export const CHANNELS: readonly AnyChannelPlugin[] = [
  webChannel,
  slackChannel,
  discordChannel,
  terminalChannel,
  linechatChannel,
];
