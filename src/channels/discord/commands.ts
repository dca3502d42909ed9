// The application commands, and their registration (`npm run discord:register`).
import { REST, Routes, SlashCommandBuilder } from 'discord.js';
import { HelpdeskError } from '../../errors.ts';
import type { DiscordSettings } from './settings.ts';

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
export async function registerCommands(settings: DiscordSettings): Promise<{ count: number; scope: string }> {
  const { token, applicationId, apiUrl, guildId } = settings;
  if (!token || !applicationId) throw new HelpdeskError('config.invalid', 'DISCORD_TOKEN and DISCORD_APPLICATION_ID are needed to register commands');
  const rest = new REST({ ...(apiUrl ? { api: apiUrl } : {}), timeout: 15_000 }).setToken(token);
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const result = (await rest.put(route, { body: commandDefinitions() })) as unknown[];
  return { count: result.length, scope: guildId ? `server ${guildId}` : 'every server (global; may take up to an hour to appear)' };
}
