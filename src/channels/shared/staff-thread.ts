// What a staff channel does with its threads, whatever the platform: a staff member's reply reaches
// the person in their own chat (or, when they are gone, the ticket), one staff member owns a
// conversation, and a close tells the person once. The platform's side (buttons, cards) is its own.
import type { ChannelContext } from '../context.ts';
import type { Lang } from '../../ports/lang.ts';
import type { Wording } from '../../ports/catalogue.ts';
import type { Ticket } from '../../ports/tickets.ts';
import type { StaffThread } from '../../ports/staff-threads.ts';

export type StaffReplyOutcome =
  /** `claimed`: this reply made its writer the owner (the card shows it now). */
  | { kind: 'delivered'; claimed: boolean }
  /** Another staff member owns the conversation: nothing was sent. */
  | { kind: 'owned'; owner: string }
  /** The conversation is closed or the person has left the chat: the reply went to the ticket. */
  | { kind: 'ticket'; why: 'closed' | 'away' }
  /** The same platform event again (its first run was cut short after sending): nothing was sent. */
  | { kind: 'repeat' };

export interface StaffMember {
  /** The platform's user id (what ownership records). */
  id: string;
  /** How tickets and notes name them: their name on the platform, never a mention. */
  label: string;
}

/**
 * Sends a staff member's reply to the person, at least once. `key`: the platform's event id. The
 * reply is delivered first and marked sent after, so a replica killed between the two leaves the
 * event unfinished in its channel's inbox and another replica delivers it again: with the same
 * idempotency key, which the person's channel uses not to show it twice. A reply marked sent is
 * not delivered again.
 */
export async function relayStaffReply(ctx: ChannelContext, thread: StaffThread, staff: StaffMember, text: string, key: string, staffLang: Lang): Promise<StaffReplyOutcome> {
  const toTicket = async (why: 'closed' | 'away'): Promise<StaffReplyOutcome> => {
    await ctx.staffChannel.followUp(thread, { note: ctx.words.say(staffLang, 'staff_reply_note', { staff: staff.label }), lines: [text], key: `staff-reply:${key}` });
    return { kind: 'ticket', why };
  };
  if (thread.closedAt !== undefined) return toTicket('closed');
  const claim = await ctx.staffChannel.threads.claim(thread.reference, staff.id);
  if (claim && !claim.mine) return { kind: 'owned', owner: claim.owner };
  if (await ctx.delivery.isAway(thread.conversationId)) return toTicket('away');
  const mark = `staff-reply:${key}`;
  if (await ctx.seen.wasSeen(mark)) return { kind: 'repeat' };
  const reply = { kind: 'text' as const, text: `${ctx.words.say(thread.lang, 'staff_reply')}\n${text}`, staff: true, key: mark };
  if (!(await ctx.delivery.deliver(thread.conversationId, [reply], { strict: true }))) return toTicket('away');
  await ctx.seen.markSeen(mark, ctx.clock.now());
  ctx.log.info('staff reply delivered', { conversation: thread.conversationId, ticket: thread.reference });
  return { kind: 'delivered', claimed: thread.owner === undefined };
}

/** Closes the conversation's thread: the person is told once, and the ticket says who closed it. False when it was closed already. */
export async function closeStaffThread(ctx: ChannelContext, thread: StaffThread, staff: StaffMember, staffLang: Lang): Promise<boolean> {
  if (!(await ctx.staffChannel.threads.close(thread.reference, ctx.clock.now()))) return false;
  await ctx.delivery.deliver(thread.conversationId, [{ kind: 'text', text: ctx.words.say(thread.lang, 'staff_closed', { reference: thread.reference }) }]);
  await ctx.staffChannel.followUp(thread, { note: ctx.words.say(staffLang, 'staff_closed_note', { staff: staff.label }), lines: [], key: `staff-close:${thread.reference}` });
  return true;
}

/** Whether the ticket's person proved who they are (a mail code, a platform's verified profile), and how. */
export function provenBy(identity: string | undefined): string | undefined {
  return identity !== undefined && identity !== 'claimed' ? identity : undefined;
}

/** The card's "who" line: the account or address, and whether (and how) the person proved it. */
export function cardWho(words: Wording, lang: Lang, t: Ticket): string {
  const who = t.subject.user ?? t.subject.email;
  if (!who) return words.say(lang, 'card_who_unknown');
  const how = provenBy(t.subject.identity);
  return how ? words.say(lang, 'card_who_proven', { who, how }) : words.say(lang, 'card_who_unproven', { who });
}

/** How many of the transcript's lines a card or a follow-up shows (the ticket has them all). */
export const CARD_LAST_LINES = 8;
