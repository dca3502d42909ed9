// The Discord channel as the registry holds it: on when a bot token is set; one gateway session
// for the whole deployment, held by the leader replica, with replies made elsewhere relayed
// through the store's outbox.
import { z } from 'zod';
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
  // A conversation is `discord:CHANNEL:USER`: the person is its user.
  people: {
    id: z.string().regex(/^\d{15,22}$/, 'a Discord user id (a number)'),
    owner: (rest) => {
      const parts = rest.split(':');
      return parts.length === 2 ? parts[1] : undefined;
    },
  },
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
