// What every Discord interaction shares: the context and settings, the client, the staff check,
// and how a turn runs and its messages are sent.
import type { Client, SendableChannels } from 'discord.js';
import type { ChannelContext } from '../context.ts';
import type { ChannelText } from '../../ports/catalogue.ts';
import type { ChatEvent } from '../../ports/conversations.ts';
import type { StaffCheck } from '../shared/staff.ts';
import type { Inbox } from '../shared/inbox.ts';
import { replyExtras } from '../shared/reply-extras.ts';
import { HelpdeskError } from '../../errors.ts';
import { renderMessages, type DiscordPayload } from './render.ts';
import type { DiscordSettings } from './settings.ts';

export interface DiscordDeps {
  ctx: ChannelContext;
  settings: DiscordSettings;
  client: Client;
  staff: StaffCheck;
  /** DMs accepted before their turn (shared/inbox.ts), keyed by message id. */
  inbox: Inbox;
}

/** A channel text in the language of the person's Discord client. */
export function say(d: DiscordDeps, locale: string | undefined, key: ChannelText, vars: Record<string, unknown> = {}): string {
  return d.ctx.words.say(d.ctx.words.langOfLocale(locale), key, vars);
}

/** `saved`: called once the turn has run, with whether it is in the store (an event taken from the inbox is then done). */
export async function turn(d: DiscordDeps, channelId: string, userId: string, event: ChatEvent, saved?: (stored: boolean) => Promise<void>): Promise<DiscordPayload[]> {
  const id = `discord:${channelId}:${userId}`;
  const result = await d.ctx.conversations.turn(id, event, { channel: 'discord', requireProof: true, origin: `discord:${userId}` });
  await saved?.(result.saved);
  return renderMessages(result.replies, await replyExtras(d.ctx, id, result.replies, result.conversation.lang));
}

/**
 * A message the gateway handed this replica: accepted into the store's inbox before its turn, so a
 * leader deposed meanwhile (its client destroyed) leaves it to the next leader instead of dropping it.
 */
export async function takeMessage(d: DiscordDeps, messageId: string, channelId: string, userId: string, event: ChatEvent, accepted?: () => void): Promise<void> {
  const fresh = await acceptMessage(d, messageId, channelId, userId, event);
  accepted?.();
  if (!fresh || !d.client.isReady()) return;
  await runTaken(d, { key: d.inbox.key(messageId), channelId, userId, event });
}

/** Into the inbox; false when it was there already (taken by this leader, an earlier one or a resume). */
export function acceptMessage(d: Pick<DiscordDeps, 'inbox'>, messageId: string, channelId: string, userId: string, event: ChatEvent): Promise<boolean> {
  return d.inbox.accept(messageId, { conversationId: `discord:${channelId}:${userId}`, event, to: { channel: channelId, user: userId } });
}

/**
 * The turn of an accepted message, marked done once saved, and its replies sent. A turn answered but
 * not stored (it failed, or its save did: a backend terminated under it) stays in the inbox for the
 * leader's next look, once: `retried` (a claimed event) is marked done however it went.
 */
export async function runTaken(d: DiscordDeps, t: { key: string; channelId: string; userId: string; event: ChatEvent; retried?: boolean }): Promise<void> {
  const payloads = await turn(d, t.channelId, t.userId, t.event, (stored) => (stored || t.retried ? d.inbox.done(t.key) : Promise.resolve()));
  await sendAll(d, t.channelId, payloads);
}

export async function sendAll(d: DiscordDeps, channelId: string, payloads: DiscordPayload[]): Promise<void> {
  const channel = await d.client.channels.fetch(channelId);
  if (!channel?.isSendable()) throw new HelpdeskError('upstream.malformed', `discord: cannot send to channel ${channelId}`);
  for (const p of payloads) await (channel as SendableChannels).send(p);
}
