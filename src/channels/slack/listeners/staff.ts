// The staff channel (SLACK_STAFF_CHANNEL): the buttons of a hand-over's card (claim, diagnose again,
// close) and staff members' replies in its thread, which reach the person in their own chat. A reply
// is taken into the store's inbox before Slack has its ack, so a replica that dies before relaying it
// leaves it to another (see channel.ts: resume).
import type { App } from '@slack/bolt';
import type { types } from '@slack/bolt';
import type { Lang } from '../../../ports/lang.ts';
import type { AcceptedEvent } from '../../../ports/store.ts';
import type { StaffThread } from '../../../ports/staff-threads.ts';
import { decodeTarget } from '../../shared/diagnostic.ts';
import { closeStaffThread, relayStaffReply, type StaffMember } from '../../shared/staff-thread.ts';
import { renderReport } from '../blocks.ts';
import type { Inbox } from '../../shared/inbox.ts';
import { eventIdOf, say, type SlackDeps, type WebClient } from '../deps.ts';
import { stateBlock, withState, type CardState } from '../staff-card.ts';

/** The inbox of staff replies (`slack-staff:Ev…`), apart from people's turns (`slack:`). */
export const STAFF_INBOX = 'slack-staff';

/** A staff member as tickets name them: their Slack name, never a mention (which means nothing outside Slack). */
async function member(d: SlackDeps, client: WebClient, id: string): Promise<StaffMember> {
  return { id, label: (await d.profiles.of(client, id)).name ?? say(d, d.settings.staffLang, 'staff_someone') };
}
/** A catalogue line for staff with a Slack mention in it (the mention is markup; the line is escaped). */
const withMention = (d: SlackDeps, key: 'staff_owned_by', lang: Lang, id: string) => say(d, lang, key, { owner: '{owner}' }).replace('{owner}', `<@${id}>`);

/** Shows the card's new state in place (the card as Slack has it, its state line replaced). */
async function updateCard(d: SlackDeps, client: WebClient, thread: StaffThread, state: CardState): Promise<void> {
  const r = await client.conversations.history({ channel: thread.place, latest: thread.thread, inclusive: true, limit: 1 });
  const card = r.messages?.find((m) => m.ts === thread.thread);
  if (!card?.blocks) return;
  const blocks = withState(card.blocks as types.KnownBlock[], stateBlock(d.ctx.words, d.settings.staffLang, state), state.kind === 'closed');
  await client.chat.update({ channel: thread.place, ts: thread.thread, blocks, text: card.text ?? '' });
}

async function onButton(d: SlackDeps, client: WebClient, kind: string, value: string, user: string, tell: (text: string) => Promise<unknown>): Promise<void> {
  const lang = d.settings.staffLang;
  if (!(await d.staff.isStaff(user))) return void (await tell(say(d, lang, 'refusal', { platform: 'Slack' })));
  if (kind === 'staff:diagnose') {
    const { r, t } = JSON.parse(value) as { r?: string; t?: string };
    const thread = r ? await d.ctx.staffChannel.threads.byReference(r) : undefined;
    const target = t ? decodeTarget(d.ctx.parse, t) : undefined;
    if (!thread) return;
    if (!target) return void (await tell(say(d, lang, 'staff_no_account')));
    const rendered = renderReport(await d.ctx.staff.report(target, lang), target);
    await client.chat.postMessage({ channel: thread.place, thread_ts: thread.thread, blocks: rendered.blocks, text: rendered.text });
    return;
  }
  const thread = await d.ctx.staffChannel.threads.byReference(value);
  if (!thread) return;
  if (kind === 'staff:claim') {
    const claim = await d.ctx.staffChannel.threads.claim(thread.reference, user);
    if (claim && !claim.mine) return void (await tell(withMention(d, 'staff_owned_by', lang, claim.owner)));
    if (claim) await updateCard(d, client, thread, { kind: 'owned', owner: claim.owner });
  } else if (kind === 'staff:close') {
    if (await closeStaffThread(d.ctx, thread, await member(d, client, user), lang)) await updateCard(d, client, thread, { kind: 'closed', by: user });
  }
}

/**
 * A staff member's reply in a card's thread, marked done in the inbox once relayed. One that failed
 * (Slack or the store down, the replica killed) stays in the inbox, and a replica resumes it: that
 * second try (`resumed`) is done however it goes, and when it fails too the staff member is told
 * in the thread, so no one believes a lost reply reached the person.
 */
export async function onStaffReply(d: SlackDeps, client: WebClient, inbox: Inbox, accepted: AcceptedEvent, resumed = false): Promise<void> {
  try {
    await relayReply(d, client, accepted);
  } catch (err) {
    if (!resumed) throw err;
    d.ctx.log.error('slack: a resumed staff reply failed again', { code: 'slack.error', err });
    const { user, channel, thread } = accepted.payload.to;
    if (user && channel && thread) {
      await client.chat
        .postEphemeral({ channel, user, thread_ts: thread, text: say(d, d.settings.staffLang, 'staff_reply_failed') })
        .catch((e: unknown) => d.ctx.log.error('slack: the staff member could not be told of a lost reply', { code: 'slack.error', err: e }));
    }
  }
  await inbox.done(accepted.key);
}

async function relayReply(d: SlackDeps, client: WebClient, accepted: AcceptedEvent): Promise<void> {
  const { user, channel, thread: ts } = accepted.payload.to;
  const text = accepted.payload.event.type === 'text' ? accepted.payload.event.text : '';
  const lang = d.settings.staffLang;
  if (!user || !channel || !ts || !text.trim() || !(await d.staff.isStaff(user))) return;
  const thread = await d.ctx.staffChannel.threads.byThread(channel, ts);
  if (!thread) return;
  const out = await relayStaffReply(d.ctx, thread, await member(d, client, user), text, accepted.key, lang);
  const ephemeral = (line: string) => client.chat.postEphemeral({ channel, user, thread_ts: ts, text: line });
  if (out.kind === 'delivered' && out.claimed) await updateCard(d, client, thread, { kind: 'owned', owner: user });
  else if (out.kind === 'owned') await ephemeral(withMention(d, 'staff_owned_by', lang, out.owner));
  else if (out.kind === 'ticket') await ephemeral(say(d, lang, out.why === 'closed' ? 'staff_to_ticket_closed' : 'staff_to_ticket_away', { reference: thread.reference }));
}

export function registerStaff(app: App, d: SlackDeps, staffChannel: string, inbox: Inbox): void {
  app.action(/^staff:/, async ({ ack, body, action, client, respond }) => {
    await ack();
    const user = (body as { user: { id: string } }).user.id;
    const kind = (action as { action_id: string }).action_id;
    const value = (action as { value?: string }).value ?? '';
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    d.queue.later(`staff:${value}`, () => onButton(d, client, kind, value, user, tell));
  });

  app.event('message', async ({ event, client, context, body }) => {
    const e = event as { channel: string; thread_ts?: string; ts: string; subtype?: string; bot_id?: string; user?: string; text?: string };
    if (e.channel !== staffChannel || !e.thread_ts || e.thread_ts === e.ts || e.subtype || e.bot_id || !e.user) return;
    const eventId = eventIdOf(body);
    if (!eventId) return;
    const accepted: AcceptedEvent = {
      key: inbox.key(eventId),
      payload: { event: { type: 'text', text: e.text ?? '' }, to: { team: context.teamId ?? 'T', user: e.user, channel: e.channel, thread: e.thread_ts } },
    };
    // In the inbox before the ack (a store that fails answers 500, and Slack sends it again); a retry is dropped.
    if (!(await inbox.accept(eventId, accepted.payload))) return;
    d.queue.later(`staff:${e.thread_ts}`, () => onStaffReply(d, client, inbox, accepted));
  });
}
