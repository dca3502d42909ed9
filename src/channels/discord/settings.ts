// The Discord channel's slice of the configuration (read as src/channels/shared/settings.ts says): its
// keys, their rules, and how the code reads them.
import { z } from 'zod';
import { Lang } from '../../ports/lang.ts';
import { httpUrlRule, ownKeys, settingsSlice, type KeyProblem } from '../shared/settings.ts';

const snowflake = (what: string) => z.string().regex(/^\d{15,22}$/, what);

const TABLE = {
  token: ['DISCORD_TOKEN', z.string().optional(), z.string().min(20, 'the bot token from the Developer Portal (Bot page)').optional()],
  applicationId: ['DISCORD_APPLICATION_ID', z.string().optional(), snowflake('the application id (a number) from the Developer Portal').optional()],
  /** A REST proxy (tests: the local gateway's API). */
  apiUrl: ['DISCORD_API_URL', z.string().optional(), httpUrlRule('DISCORD_API_URL').optional()],
  /** Commands registered for this server only (at once), else globally. */
  guildId: ['DISCORD_GUILD_ID', z.string().optional(), snowflake('a server (guild) id').optional()],
  staffRole: ['DISCORD_STAFF_ROLE', z.string().optional(), snowflake('a role id (a number)').optional()],
  /** `thread`: a private thread in the server's channel; `dm`: a direct message. */
  /** Where each hand-over is posted as a card, with a thread staff answer the person from (unset: no staff channel). */
  staffChannel: ['DISCORD_STAFF_CHANNEL', z.string().optional(), snowflake("a text channel's id (a number)").optional()],
  /** The language of the staff channel's cards and notes (the key is read with Slack's). */
  staffLang: ['STAFF_LANG', Lang.default('en')],
  conversation: ['DISCORD_CONVERSATION', z.enum(['dm', 'thread']).default('dm'), z.enum(['dm', 'thread'], { error: 'dm or thread' }).default('dm')],
} as const;

export const discordSettings = settingsSlice(TABLE);
export type DiscordSettings = z.infer<typeof discordSettings>;

export const discordKeys = ownKeys(TABLE);

export function discordKeyProblems(env: Record<string, unknown>): KeyProblem[] {
  return env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID ? [{ key: 'DISCORD_APPLICATION_ID', expected: 'the application id with DISCORD_TOKEN' }] : [];
}
