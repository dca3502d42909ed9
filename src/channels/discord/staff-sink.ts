// The Discord staff channel as a ticket sink: the ticket queue (the one way out, exactly once per sink)
// hands it each hand-over, posted as one card with a thread of its own, and each follow-up, posted in
// that thread. A replica killed between "posted" and "written down" leaves the ticket to be sent
// again: each post carries its reference in its embed's footer, and the channel (or the thread) is
// first searched for it, so nothing is posted twice. A thread started from a message has the
// message's id, so the card's id is its thread's too.
import { DiscordAPIError, type Client, type Message } from 'discord.js';
import type { ChannelContext } from '../context.ts';
import type { Lang } from '../../ports/lang.ts';
import type { Delivered, Ticket, TicketDelivery } from '../../ports/tickets.ts';
import { HelpdeskError } from '../../errors.ts';
import { renderCard, renderFollowUp, threadName } from './staff-card.ts';
import { DISCORD_STAFF_SINK } from './staff-sink-name.ts';

/** How many of a channel's latest messages are searched for a post made before. */
const SEARCH_LAST = 50;
/** Discord's error when a message has its thread already (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json). */
const THREAD_EXISTS = 160004;

const carries = (reference: string) => (m: Message) => m.embeds.some((e) => e.footer?.text === reference);

async function textChannel(client: Client, id: string) {
  const channel = await client.channels.fetch(id);
  if (!channel?.isTextBased() || !channel.isSendable()) throw new HelpdeskError('upstream.malformed', `discord: cannot post in channel ${id}`);
  return channel;
}

async function postedBefore(client: Client, channelId: string, reference: string): Promise<Message | undefined> {
  const channel = await textChannel(client, channelId);
  return (await channel.messages.fetch({ limit: SEARCH_LAST })).find(carries(reference));
}

export function discordStaffSink(ctx: ChannelContext, client: Client, channelId: string, lang: Lang): TicketDelivery {
  async function card(reference: string, t: Ticket): Promise<Delivered> {
    const channel = await textChannel(client, channelId);
    const message = (await postedBefore(client, channelId, reference)) ?? (await channel.send(renderCard(ctx.words, lang, reference, t)));
    if (!message.hasThread) {
      await message.startThread({ name: threadName(ctx.words, lang, reference) }).catch((err: unknown) => {
        if (!(err instanceof DiscordAPIError && err.code === THREAD_EXISTS)) throw err;
      });
    }
    await ctx.staffChannel.threads.opened({ reference, conversationId: t.conversationId, lang: t.lang, place: channelId, thread: message.id }, ctx.clock.now());
    return { externalId: `${channelId}/${message.id}` };
  }

  async function followUp(reference: string, t: Ticket, parent: string): Promise<Delivered> {
    const [, thread = ''] = parent.split('/');
    if (!(await postedBefore(client, thread, reference))) await (await textChannel(client, thread)).send(renderFollowUp(ctx.words, lang, reference, t));
    return { externalId: parent };
  }

  return {
    name: DISCORD_STAFF_SINK,
    deliver(reference, t, c) {
      // A follow-up whose ticket never reached this channel (it was configured since) gets a card of its own.
      return c.parent?.externalId ? followUp(reference, t, c.parent.externalId) : card(reference, t);
    },
  };
}
