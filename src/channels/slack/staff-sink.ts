// The Slack staff channel as a ticket sink: the ticket queue (the one way out, exactly once per sink)
// hands it each hand-over, posted as one card, and each follow-up, posted in the card's thread. A
// replica killed between "posted" and "written down" leaves the ticket to be sent again: each post
// carries the reference in its message metadata, and the channel (or the thread) is first searched
// for it, as RT and Zammad are searched by subject, so nothing is posted twice.
import type { ChannelContext } from '../context.ts';
import type { Lang } from '../../ports/lang.ts';
import type { Delivered, DeliveryContext, Ticket, TicketDelivery } from '../../ports/tickets.ts';
import type { WebClient } from './deps.ts';
import { renderCard, renderFollowUp } from './staff-card.ts';
import { SLACK_STAFF_SINK } from './staff-sink-name.ts';

const EVENT_TYPE = 'helpdesk_ticket';
/** How far before the ticket's creation the channel is searched for a card posted already. */
const SEARCH_SLACK_S = 60;

interface Message {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: { reference?: unknown } };
}

const carries = (reference: string) => (m: Message) => m.metadata?.event_type === EVENT_TYPE && m.metadata.event_payload?.reference === reference;

/** `place/thread`, the sink's own id of a card (what follow-ups and the staff thread use). */
const cardId = (channel: string, ts: string) => `${channel}/${ts}`;

export function slackStaffSink(ctx: ChannelContext, client: WebClient, channel: string, lang: Lang): TicketDelivery {
  const metadata = (reference: string) => ({ event_type: EVENT_TYPE, event_payload: { reference } });

  async function postedCard(reference: string, t: Ticket): Promise<string | undefined> {
    const oldest = String(Math.floor(Date.parse(t.createdAt) / 1000) - SEARCH_SLACK_S);
    const r = await client.conversations.history({ channel, oldest, limit: 200, include_all_metadata: true });
    return (r.messages as Message[] | undefined)?.find(carries(reference))?.ts;
  }

  async function card(reference: string, t: Ticket): Promise<Delivered> {
    const ts = (await postedCard(reference, t)) ?? (await client.chat.postMessage({ channel, ...renderCard(ctx.words, lang, reference, t), metadata: metadata(reference) })).ts;
    if (!ts) throw new Error('chat.postMessage gave no ts');
    await ctx.staffChannel.threads.opened({ reference, conversationId: t.conversationId, lang: t.lang, place: channel, thread: ts }, ctx.clock.now());
    return { externalId: cardId(channel, ts) };
  }

  async function followUp(reference: string, t: Ticket, parent: string): Promise<Delivered> {
    const [place = channel, thread = ''] = parent.split('/');
    const r = await client.conversations.replies({ channel: place, ts: thread, limit: 200, include_all_metadata: true });
    const posted = (r.messages as Message[] | undefined)?.find(carries(reference))?.ts;
    if (!posted) await client.chat.postMessage({ channel: place, thread_ts: thread, ...renderFollowUp(ctx.words, lang, t), metadata: metadata(reference) });
    return { externalId: parent };
  }

  return {
    name: SLACK_STAFF_SINK,
    async deliver(reference: string, t: Ticket, c: DeliveryContext): Promise<Delivered> {
      // A follow-up whose ticket never reached this channel (it was configured since) gets a card of its own.
      return c.parent?.externalId ? followUp(reference, t, c.parent.externalId) : card(reference, t);
    },
  };
}
