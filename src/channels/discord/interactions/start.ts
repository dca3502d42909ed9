// /2fa: a conversation in the DM it was typed in, else in a private thread or a new DM.
import { ChannelType, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import type { ChatEvent } from '../../../ports/conversations.ts';
import { say, sendAll, turn, type DiscordDeps } from '../deps.ts';

export async function start2fa(d: DiscordDeps, i: ChatInputCommandInteraction): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const problem = i.options.getString('problem')?.trim();
  // Greeted in the client's language only; what the person then types decides the conversation's.
  const event: ChatEvent = problem ? { type: 'text', text: problem } : { type: 'start', lang: d.ctx.words.langOfLocale(i.locale) };
  if (!i.inGuild()) {
    // Already a DM with the bot: the conversation is right here.
    const [first, ...rest] = await turn(d, i.channelId, i.user.id, event);
    await i.editReply(first ?? { content: '…' });
    for (const p of rest) await i.followUp(p);
    return;
  }
  if (d.settings.conversation === 'thread' && i.channel && i.channel.type === ChannelType.GuildText) {
    const t = await i.channel.threads.create({ name: `2FA help: ${i.user.username}`.slice(0, 90), type: ChannelType.PrivateThread, invitable: false, autoArchiveDuration: 60 });
    await t.members.add(i.user.id);
    await sendAll(d, t.id, await turn(d, t.id, i.user.id, event));
    await i.editReply({ content: say(d, i.locale, 'thread_opened', { thread: `<#${t.id}>` }), allowedMentions: { parse: [] } });
    return;
  }
  const dm = await i.user.createDM();
  await sendAll(d, dm.id, await turn(d, dm.id, i.user.id, event));
  await i.editReply({ content: say(d, i.locale, 'dm_sent'), allowedMentions: { parse: [] } });
}
