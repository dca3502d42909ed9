// What every Discord interaction shares: the context and settings, the client, the staff check,
// and how a turn runs and its messages are sent.
import type { Client, SendableChannels } from 'discord.js';
import type { ChannelContext } from '../context.ts';
import type { ChannelText } from '../../ports/catalogue.ts';
import type { ChatEvent } from '../../ports/conversations.ts';
import type { StaffCheck } from '../shared/staff.ts';
import { clockLinkFor } from '../shared/clock-link.ts';
import { HelpdeskError } from '../../errors.ts';
import { renderMessages, type DiscordPayload } from './render.ts';
import type { DiscordSettings } from './settings.ts';

export interface DiscordDeps {
  ctx: ChannelContext;
  settings: DiscordSettings;
  client: Client;
  staff: StaffCheck;
}

/** A channel text in the language of the person's Discord client. */
export function say(d: DiscordDeps, locale: string | undefined, key: ChannelText, vars: Record<string, unknown> = {}): string {
  return d.ctx.words.say(d.ctx.words.langOfLocale(locale), key, vars);
}

export async function turn(d: DiscordDeps, channelId: string, userId: string, event: ChatEvent): Promise<DiscordPayload[]> {
  const id = `discord:${channelId}:${userId}`;
  const result = await d.ctx.conversations.turn(id, event, { channel: 'discord', requireProof: true, origin: `discord:${userId}` });
  return renderMessages(result.replies, await clockLinkFor(d.ctx, id, result.replies, result.conversation.lang));
}

export async function sendAll(d: DiscordDeps, channelId: string, payloads: DiscordPayload[]): Promise<void> {
  const channel = await d.client.channels.fetch(channelId);
  if (!channel?.isSendable()) throw new HelpdeskError('upstream.malformed', `discord: cannot send to channel ${channelId}`);
  for (const p of payloads) await (channel as SendableChannels).send(p);
}
