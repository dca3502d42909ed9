// The Discord channel as the registry holds it: on when a bot token is set; one gateway session
// for the whole deployment, held by the leader replica, with replies made elsewhere relayed
// through the store's outbox.
import { defineChannel } from '../contract.ts';
import { discordKeyProblems, discordKeys, discordSettings } from './settings.ts';
import { registerDiscordRelay } from './relay.ts';
import { DISCORD_STAFF_SINK } from './staff-sink-name.ts';

export const discordChannel = defineChannel({
  name: 'discord',
  config: discordSettings,
  keys: discordKeys,
  keyProblems: discordKeyProblems,
  // Discord snowflakes (users, channels, messages).
  logScrubs: [[/\b\d{15,22}\b/g, '[discord-id]']],
  words: { en: { where: 'in Discord' }, sv: { where: 'i Discord' } },
  enabled: (s) => Boolean(s.token),
  ticketSinks: (s) => (s.token && s.staffChannel ? [DISCORD_STAFF_SINK] : []),
  replicas: 'leader',
  everyReplica: (ctx) => registerDiscordRelay(ctx),
  // discord.js loads only when Discord is configured, so other commands start at once.
  create: async (ctx, settings) => {
    const d = (await import('./channel.ts')).createDiscordChannel(ctx, settings);
    return { ...d, banner: ['Discord: the leader replica connects to the gateway (state in /healthz)'] };
  },
});
