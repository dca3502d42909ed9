// The Discord channel's slice of the configuration (read as src/channels/shared/settings.ts says).
import { z } from 'zod';
import { settingsSlice } from '../shared/settings.ts';

export const discordSettings = settingsSlice({
  token: ['DISCORD_TOKEN', z.string().optional()],
  applicationId: ['DISCORD_APPLICATION_ID', z.string().optional()],
  /** A REST proxy (tests: the local gateway's API). */
  apiUrl: ['DISCORD_API_URL', z.string().optional()],
  /** Commands registered for this server only (at once), else globally. */
  guildId: ['DISCORD_GUILD_ID', z.string().optional()],
  staffRole: ['DISCORD_STAFF_ROLE', z.string().optional()],
  /** `thread`: a private thread in the server's channel; `dm`: a direct message. */
  conversation: ['DISCORD_CONVERSATION', z.enum(['dm', 'thread']).default('dm')],
});
export type DiscordSettings = z.infer<typeof discordSettings>;
