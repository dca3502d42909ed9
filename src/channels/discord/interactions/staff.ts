// The Discord staff channel (DISCORD_STAFF_CHANNEL): the buttons of a hand-over's card (claim,
// diagnose again, close) and staff members' replies in its thread, which reach the person in their
// own chat. A reply is taken into the store's inbox before it is relayed, so a leader that dies or is
// deposed before relaying it leaves it to the next (see channel.ts: resume). Staff are named by their
// display name in the server, never by a mention.
import { MessageFlags, type ButtonInteraction, type Message } from 'discord.js';
import type { AcceptedEvent } from '../../../ports/store.ts';
import type { StaffThread } from '../../../ports/staff-threads.ts';
import type { Inbox } from '../../shared/inbox.ts';
import { decodeTarget } from '../../shared/diagnostic.ts';
import { closeStaffThread, relayStaffReply, type StaffMember } from '../../shared/staff-thread.ts';
import type { DiscordDeps } from '../deps.ts';
import { renderReport } from '../render.ts';
import { cardState, diagnoseIdOf, type CardState } from '../staff-card.ts';
import { isStaff, memberName } from './diagnose.ts';

/** The inbox of staff replies (`discord-staff:<message id>`), apart from people's messages (`discord:`). */
export const STAFF_INBOX = 'discord-staff';

const lang = (d: DiscordDeps) => d.settings.staffLang;
const tell = (d: DiscordDeps, key: 'staff_owned_by' | 'staff_to_ticket_closed' | 'staff_to_ticket_away' | 'staff_no_account', vars: Record<string, unknown> = {}) =>
  d.ctx.words.say(lang(d), key, vars);

/** The card in its new state, edited in place (its embed stays as posted). */
async function updateCard(d: DiscordDeps, thread: StaffThread, state: CardState): Promise<void> {
  const channel = await d.client.channels.fetch(thread.place);
  if (!channel?.isTextBased()) return;
  const card = await channel.messages.fetch(thread.thread);
  await card.edit(cardState(d.ctx.words, lang(d), thread.reference, state, diagnoseIdOf(card)));
}

export async function staffButton(d: DiscordDeps, i: ButtonInteraction): Promise<void> {
  const [, what, reference = '', target = ''] = i.customId.split(':');
  const ephemeral = (content: string) => i.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  await i.deferUpdate();
  if (!(await isStaff(d, i))) return void (await ephemeral(d.ctx.words.say(lang(d), 'refusal', { platform: 'Discord', command: '/2fa' })));
  const thread = await d.ctx.staffChannel.threads.byReference(reference);
  if (!thread) return;
  const me: StaffMember = { id: i.user.id, label: memberName(i) };
  if (what === 'claim') {
    const claim = await d.ctx.staffChannel.threads.claim(reference, me.id);
    if (claim && !claim.mine) return void (await ephemeral(tell(d, 'staff_owned_by', { owner: await ownerName(d, i, claim.owner) })));
    if (claim) await updateCard(d, thread, { kind: 'owned', owner: me.label });
  } else if (what === 'close') {
    if (await closeStaffThread(d.ctx, thread, me, lang(d))) await updateCard(d, thread, { kind: 'closed', by: me.label });
  } else if (what === 'diagnose') {
    const who = target ? decodeTarget(d.ctx.parse, Buffer.from(target, 'base64url').toString('utf8')) : undefined;
    if (!who) return void (await ephemeral(tell(d, 'staff_no_account')));
    const channel = await d.client.channels.fetch(thread.thread);
    if (channel?.isSendable()) await channel.send(renderReport(await d.ctx.staff.report(who, lang(d)), who));
  }
}

/** The owner's name in the server, asked of Discord; "a member of the support team" when it cannot say. */
async function ownerName(d: DiscordDeps, i: { guild: ButtonInteraction['guild'] } | Message, owner: string): Promise<string> {
  const member = await i.guild?.members.fetch(owner).catch(() => undefined);
  return member?.displayName ?? d.ctx.words.say(lang(d), 'staff_someone');
}

/** A message in a thread of the staff channel: into the staff inbox, then relayed. */
export async function takeStaffReply(d: DiscordDeps, inbox: Inbox, message: Message): Promise<void> {
  const payload = {
    event: { type: 'text' as const, text: message.content },
    to: { user: message.author.id, channel: message.channelId, name: message.member?.displayName ?? message.author.displayName, roles: [...(message.member?.roles.cache.keys() ?? [])].join(',') },
  };
  if (!(await inbox.accept(message.id, payload))) return;
  await onStaffReply(d, inbox, { key: inbox.key(message.id), payload });
}

/**
 * A staff member's reply, marked done in the inbox once relayed. One that failed (Discord or the
 * store down, the leader gone) stays there for the next look; that second try (`resumed`) is done
 * however it goes.
 */
export async function onStaffReply(d: DiscordDeps, inbox: Inbox, accepted: AcceptedEvent, resumed = false): Promise<void> {
  try {
    await relayReply(d, accepted);
  } catch (err) {
    if (!resumed) throw err;
    d.ctx.log.error('discord: a resumed staff reply failed again', { code: 'discord.error', err });
  }
  await inbox.done(accepted.key);
}

async function relayReply(d: DiscordDeps, accepted: AcceptedEvent): Promise<void> {
  const { user, channel, name = '', roles = '' } = accepted.payload.to;
  const text = accepted.payload.event.type === 'text' ? accepted.payload.event.text : '';
  if (!user || !channel || !text.trim() || !(await d.staff.isStaff(user, roles.split(',').filter(Boolean)))) return;
  const thread = await d.ctx.staffChannel.threads.byThread(d.settings.staffChannel ?? '', channel);
  if (!thread) return;
  const me: StaffMember = { id: user, label: name || d.ctx.words.say(lang(d), 'staff_someone') };
  const out = await relayStaffReply(d.ctx, thread, me, text, accepted.key, lang(d));
  const notice = async (content: string) => {
    const where = await d.client.channels.fetch(channel);
    if (where?.isSendable()) await where.send({ content, allowedMentions: { parse: [] } });
  };
  if (out.kind === 'delivered' && out.claimed) await updateCard(d, thread, { kind: 'owned', owner: me.label });
  else if (out.kind === 'owned') await notice(tell(d, 'staff_owned_by', { owner: await ownerNameIn(d, thread, out.owner) }));
  else if (out.kind === 'ticket') await notice(tell(d, out.why === 'closed' ? 'staff_to_ticket_closed' : 'staff_to_ticket_away', { reference: thread.reference }));
}

async function ownerNameIn(d: DiscordDeps, thread: StaffThread, owner: string): Promise<string> {
  const channel = await d.client.channels.fetch(thread.place).catch(() => undefined);
  const guild = channel && 'guild' in channel ? channel.guild : null;
  const member = await guild?.members.fetch(owner).catch(() => undefined);
  return member?.displayName ?? d.ctx.words.say(lang(d), 'staff_someone');
}
