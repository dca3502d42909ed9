// The application commands, and their registration (`npm run discord:register`).
import { REST, Routes, SlashCommandBuilder } from 'discord.js';
import type { Config } from '../../config.ts';

export function commandDefinitions() {
  return [
    new SlashCommandBuilder()
      .setName('2fa')
      .setDescription('Get help with two-factor login')
      .setDescriptionLocalizations({ 'sv-SE': 'Få hjälp med tvåfaktorsinloggning' })
      .addStringOption((o) => o.setName('problem').setDescription('What is wrong, in a few words').setMaxLength(500).setRequired(false))
      .toJSON(),
    new SlashCommandBuilder()
      .setName('2fa-diagnose')
      .setDescription('Support staff: run the two-factor diagnostics for a user')
      .addStringOption((o) => o.setName('user').setDescription('Username or e-mail address').setMaxLength(254).setRequired(true))
      .addStringOption((o) => o.setName('ip').setDescription('The address they connect from').setMaxLength(64).setRequired(false))
      .toJSON(),
  ];
}

/** Registers the commands for one server (DISCORD_GUILD_ID, at once) or globally. */
export async function registerCommands(config: Config): Promise<{ count: number; scope: string }> {
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) throw new Error('DISCORD_TOKEN and DISCORD_APPLICATION_ID are needed to register commands');
  const rest = new REST({ ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}), timeout: 15_000 }).setToken(config.DISCORD_TOKEN);
  const route = config.DISCORD_GUILD_ID
    ? Routes.applicationGuildCommands(config.DISCORD_APPLICATION_ID, config.DISCORD_GUILD_ID)
    : Routes.applicationCommands(config.DISCORD_APPLICATION_ID);
  const result = (await rest.put(route, { body: commandDefinitions() })) as unknown[];
  return { count: result.length, scope: config.DISCORD_GUILD_ID ? `server ${config.DISCORD_GUILD_ID}` : 'every server (global; may take up to an hour to appear)' };
}
