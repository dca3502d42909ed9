// The Discord channel's slice of the configuration. The keys' rules are checked with the rest of
// the environment in src/config.ts, which names each bad key; this slice reads what passed.
import { z } from 'zod';

export const discordSettings = z
  .object({
    DISCORD_TOKEN: z.string().optional(),
    DISCORD_APPLICATION_ID: z.string().optional(),
    DISCORD_API_URL: z.string().optional(),
    DISCORD_GUILD_ID: z.string().optional(),
    DISCORD_STAFF_ROLE: z.string().optional(),
    DISCORD_CONVERSATION: z.enum(['dm', 'thread']).default('dm'),
  })
  .transform((s) => ({
    token: s.DISCORD_TOKEN,
    applicationId: s.DISCORD_APPLICATION_ID,
    /** A REST proxy (tests: the local gateway's API). */
    apiUrl: s.DISCORD_API_URL,
    /** Commands registered for this server only (at once), else globally. */
    guildId: s.DISCORD_GUILD_ID,
    staffRole: s.DISCORD_STAFF_ROLE,
    /** `thread`: a private thread in the server's channel; `dm`: a direct message. */
    conversation: s.DISCORD_CONVERSATION,
  }));
export type DiscordSettings = z.infer<typeof discordSettings>;
