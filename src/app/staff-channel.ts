// The staff channel's side of the hand-over, as channels see it (StaffChannelPorts), and what it
// changes in a person's turn: while a staff member owns the conversation, what the person writes goes
// to the staff thread and the ticket (one follow-up, through every sink) and the bot stays quiet,
// saying so once.
import { catalogues, render } from '../i18n/index.ts';
import { redactCodes } from '../understanding/input.ts';
import type { StaffChannelPorts } from '../channels/context.ts';
import type { ChatEvent, ChatTurn, ChatTurnOptions, ConversationView } from '../ports/conversations.ts';
import type { StaffThread, StaffThreads } from '../ports/staff-threads.ts';
import type { TicketSink } from '../ports/tickets.ts';
import type { Clock } from '../ports/time.ts';
import type { Logger } from '../ports/logger.ts';
import type { TicketQueue } from '../adapters/ticket-queue.ts';
import type { CentreWords } from '../flows/words.ts';
import type { ConversationRunner } from '../engine/runner.ts';

export interface StaffChannelDeps {
  threads: StaffThreads;
  tickets: Pick<TicketQueue, 'attach'>;
  handover: TicketSink;
  runner: Pick<ConversationRunner, 'peek'>;
  words: CentreWords;
  clock: Clock;
  log: Logger;
}

export function staffChannelPorts(d: StaffChannelDeps): StaffChannelPorts {
  return {
    threads: d.threads,
    attach: (delivery) => d.tickets.attach(delivery),
    async followUp(thread, o) {
      const snap = await d.runner.peek(thread.conversationId);
      await d.handover.open(
        {
          conversationId: thread.conversationId,
          urgent: false,
          lang: thread.lang,
          subject: snap?.subject ?? {},
          relatesTo: thread.reference,
          ...(o.note ? { note: o.note } : {}),
          transcript: o.lines,
          findings: [],
          createdAt: new Date(d.clock.now()).toISOString(),
        },
        o.key ? { key: o.key } : {},
      );
    },
  };
}

type Turn = (id: string, event: ChatEvent, options: ChatTurnOptions) => Promise<ChatTurn>;

/**
 * A person's turn while a staff member owns their conversation: their words (codes redacted, as a
 * transcript keeps them) go to the ticket and the staff thread, and the bot says only, once, that a
 * person is answering. Buttons and everything else still run the conversation.
 */
export function quietWhileOwned(d: StaffChannelDeps, ports: StaffChannelPorts, turn: Turn, peek: (id: string) => Promise<ConversationView | undefined>): Turn {
  return async (id, event, options) => {
    const thread = event.type === 'text' ? await ownedThread(d.threads, id) : undefined;
    if (!thread || event.type !== 'text') return turn(id, event, options);
    const said = redactCodes(event.text).trim();
    if (said) await ports.followUp(thread, { lines: [`person: ${said}`], ...(options.key ? { key: `staff-answer:${options.key}` } : {}) });
    d.log.info('answer to staff relayed', { conversation: id, ticket: thread.reference });
    const tell = await d.threads.firstQuiet(thread.reference, d.clock.now());
    const view = (await peek(id)) ?? { id, lang: thread.lang, status: 'handed-over', transcript: [], epoch: 0 };
    const text = render(catalogues[view.lang].channel.staff_owns, { ...d.words });
    return { replies: tell ? [{ kind: 'text', text }] : [], conversation: view, saved: true };
  };
}

async function ownedThread(threads: StaffThreads, conversationId: string): Promise<StaffThread | undefined> {
  const live = await threads.liveFor(conversationId);
  return live?.owner ? live : undefined;
}
