// The slash commands `npm run discord:register` sends to Discord against the handlers the channel has:
// every registered command has a handler and every handler a registered command, and each handler
// reads exactly the options its command declares, of the declared type, required where it is.
import { ApplicationCommandOptionType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_HANDLERS } from '../../src/channels/discord/channel.ts';
import { baseEnv, cliInProcess, tempDataDir } from '../helpers/cli.ts';
import { APP_ID, GUILD_ID, startDiscord, type DiscordPeer } from '../peers/discord.ts';

interface SentOption {
  name: string;
  type: number;
  required?: boolean;
}
interface SentCommand {
  name: string;
  options?: SentOption[];
}

/** The option type each `interaction.options.getX(...)` reads (discord.js CommandInteractionOptionResolver). */
const GETTER_TYPES: Record<string, ApplicationCommandOptionType> = {
  getString: ApplicationCommandOptionType.String,
  getInteger: ApplicationCommandOptionType.Integer,
  getBoolean: ApplicationCommandOptionType.Boolean,
  getUser: ApplicationCommandOptionType.User,
  getChannel: ApplicationCommandOptionType.Channel,
  getRole: ApplicationCommandOptionType.Role,
  getMentionable: ApplicationCommandOptionType.Mentionable,
  getNumber: ApplicationCommandOptionType.Number,
  getAttachment: ApplicationCommandOptionType.Attachment,
};

/** The options a handler reads, from its source: `options.getString('user', true)` is a required string. */
function optionsRead(handler: (...args: never[]) => unknown): SentOption[] {
  return [...String(handler).matchAll(/options\.(get[A-Z][a-zA-Z]*)\(\s*["']([^"']+)["']\s*(,\s*true\s*)?\)/g)]
    .map(([, getter, name, required]) => ({ name: name as string, type: GETTER_TYPES[getter as string] ?? -1, required: Boolean(required) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const declared = (c: SentCommand): SentOption[] =>
  (c.options ?? []).map((o) => ({ name: o.name, type: o.type, required: o.required === true })).sort((a, b) => a.name.localeCompare(b.name));

/** What differs between the commands sent and the handlers, one line each; [] when they agree. */
function mismatches(sent: SentCommand[], handlers: Record<string, (...args: never[]) => unknown>): string[] {
  const out: string[] = [];
  for (const c of sent) {
    const handler = handlers[c.name];
    if (!handler) {
      out.push(`/${c.name} is registered but has no handler`);
      continue;
    }
    const read = JSON.stringify(optionsRead(handler));
    if (read !== JSON.stringify(declared(c))) out.push(`/${c.name} declares ${JSON.stringify(declared(c))} but its handler reads ${read}`);
  }
  for (const name of Object.keys(handlers)) if (!sent.some((c) => c.name === name)) out.push(`handler for /${name}, which is not registered`);
  return out;
}

let discord: DiscordPeer;
let sent: SentCommand[] = [];

beforeAll(async () => {
  discord = await startDiscord();
  const env = baseEnv({ DATA_DIR: tempDataDir(), DISCORD_TOKEN: 'test-bot-token-0123456789', DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: discord.apiUrl, DISCORD_GUILD_ID: GUILD_ID });
  const r = await cliInProcess(['discord', 'register'], env as Record<string, string>);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const put = discord.calls.find((c) => c.method === 'PUT' && c.path === `/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
  sent = (put?.body ?? []) as unknown as SentCommand[];
});

afterAll(async () => {
  await discord?.close();
});

describe('the Discord commands discord:register sends', () => {
  it('each has a handler, each handler a command, and the options each handler reads are the ones declared', () => {
    expect(sent.map((c) => c.name).sort()).toEqual(['2fa', '2fa-diagnose']);
    expect(optionsRead(COMMAND_HANDLERS['2fa-diagnose']!)).toEqual([
      { name: 'ip', type: ApplicationCommandOptionType.String, required: false },
      { name: 'user', type: ApplicationCommandOptionType.String, required: true },
    ]);
    expect(mismatches(sent, COMMAND_HANDLERS)).toEqual([]);
  });

  it('a command without a handler, a handler without a command, an option renamed or made optional are each caught', () => {
    const [start, diagnose] = [sent.find((c) => c.name === '2fa')!, sent.find((c) => c.name === '2fa-diagnose')!];
    expect(mismatches([...sent, { name: '2fa-status' }], COMMAND_HANDLERS)).toEqual(['/2fa-status is registered but has no handler']);
    expect(mismatches([start], COMMAND_HANDLERS)).toEqual(['handler for /2fa-diagnose, which is not registered']);
    const renamed = { ...start, options: start.options!.map((o) => ({ ...o, name: 'issue' })) };
    expect(mismatches([renamed, diagnose], COMMAND_HANDLERS)).toHaveLength(1);
    const optional = { ...diagnose, options: diagnose.options!.map((o) => ({ ...o, required: false })) };
    expect(mismatches([start, optional], COMMAND_HANDLERS)).toHaveLength(1);
  });
});
