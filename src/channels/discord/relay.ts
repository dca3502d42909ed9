// Replies made out of band (a phone's clock measurement, a watch notice) for Discord conversations
// wait in the store's outbox: the gateway session, and so the client that can send them, is held
// by one replica, the leader, which takes them from there. Registered on every replica.
import type { ChannelContext } from '../context.ts';

export function registerDiscordRelay(ctx: Pick<ChannelContext, 'delivery' | 'outbox' | 'clock'>): void {
  ctx.delivery.register('discord:', (conversationId, replies) => ctx.outbox.push(conversationId, replies, ctx.clock.now()));
}
