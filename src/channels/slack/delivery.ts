// Replies made outside a turn (a phone's clock measurement, an opened proof link, a staff member's
// reply) posted in the person's DM. A staff reply carries its idempotency key in the message's
// metadata. Its first try is written down before it posts; a later try (its replica died before
// marking it sent, or Slack failed) finds that record and searches the DM for the key first, so
// the reply is not shown twice, and a reply tried once costs no search.
import type { ChannelContext } from '../context.ts';
import type { Reply } from '../../ports/conversations.ts';
import { replyExtras } from '../shared/reply-extras.ts';
import { renderBlocks } from './blocks.ts';
import type { WebClient } from './deps.ts';

const EVENT_TYPE = 'helpdesk_reply';
/** How many of the DM's latest messages are searched for a keyed reply posted before. */
const SEARCH_LAST = 50;

interface Message {
  metadata?: { event_type?: string; event_payload?: { key?: unknown } };
}

const keyOf = (replies: Reply[]) => replies.find((r): r is Extract<Reply, { kind: 'text' }> => r.kind === 'text' && r.key !== undefined)?.key;

/** Records this try of the keyed reply; true when an earlier try may have posted it already. */
async function triedBefore(ctx: ChannelContext, key: string): Promise<boolean> {
  return !(await ctx.seen.markSeen(`slack-post:${key}`, ctx.clock.now()));
}

async function postedBefore(client: WebClient, channel: string, key: string): Promise<boolean> {
  const r = await client.conversations.history({ channel, limit: SEARCH_LAST, include_all_metadata: true });
  return ((r.messages as Message[] | undefined) ?? []).some((m) => m.metadata?.event_type === EVENT_TYPE && m.metadata.event_payload?.key === key);
}

export function registerSlackDelivery(ctx: ChannelContext, client: WebClient): void {
  ctx.delivery.register('slack:', async (conversationId, replies) => {
    const [, , channel] = conversationId.split(':');
    if (!channel) return;
    const key = keyOf(replies);
    if (key && (await triedBefore(ctx, key)) && (await postedBefore(client, channel, key))) return;
    const conversation = await ctx.conversations.peek(conversationId);
    const rendered = renderBlocks(replies, await replyExtras(ctx, conversationId, replies, conversation?.lang ?? 'en'));
    await client.chat.postMessage({ channel, blocks: rendered.blocks, text: rendered.text, ...(key ? { metadata: { event_type: EVENT_TYPE, event_payload: { key } } } : {}) });
  });
}
