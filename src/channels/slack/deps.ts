// What every Slack listener shares: the channel's context and settings, the turn queue, the
// profile cache, the staff check, and how a turn in a person's DM is run.
import type { webApi } from '@slack/bolt';
import type { ChannelContext } from '../context.ts';
import type { ChannelText } from '../../ports/catalogue.ts';
import type { Lang } from '../../ports/lang.ts';
import type { ChatEvent } from '../../ports/conversations.ts';
import type { StaffCheck } from '../shared/staff.ts';
import type { Profiles } from './profiles.ts';
import type { SlackSettings } from './settings.ts';
import type { Taken, TurnQueue } from './turn-queue.ts';
import type { AcceptedEvent } from '../../ports/store.ts';
import { escapeMrkdwn, renderBlocks } from './blocks.ts';
import { replyExtras } from '../shared/reply-extras.ts';
import { HelpdeskError } from '../../errors.ts';

export type WebClient = InstanceType<typeof webApi.WebClient>;

export interface SlackDeps {
  ctx: ChannelContext;
  settings: SlackSettings;
  queue: TurnQueue;
  profiles: Profiles;
  staff: StaffCheck;
}

/** A channel text, escaped for mrkdwn, with the slash command filled in. */
export function say(d: SlackDeps, lang: Lang, key: ChannelText, vars: Record<string, unknown> = {}): string {
  return escapeMrkdwn(d.ctx.words.say(lang, key, { command: d.settings.command, ...vars }));
}

export async function dmWith(client: WebClient, user: string): Promise<string> {
  const r = await client.conversations.open({ users: user });
  if (!r.channel?.id) throw new HelpdeskError('upstream.malformed', 'slack: conversations.open gave no channel');
  return r.channel.id;
}

/**
 * One turn in a person's DM: one message per turn, updated in place while checks run. `saved` is
 * called once the turn has run, with whether it is in the store (the event then leaves the inbox: a
 * replica dying after it does not make another run the turn twice).
 */
export async function converse(d: SlackDeps, client: WebClient, team: string, channel: string, user: string, event: ChatEvent, saved?: (stored: boolean) => Promise<void>, key?: string): Promise<void> {
  const { email } = await d.profiles.of(client, user);
  const id = `slack:${team}:${channel}:${user}`;
  let progress: Promise<string | undefined> | undefined;
  const result = await d.ctx.conversations.turn(id, event, {
    channel: 'slack',
    ...(key ? { key } : {}),
    subject: email ? { user: email, email, identity: 'slack-email' } : {},
    requireProof: !email,
    origin: `slack:${user}`,
    onProgress: async (text) => {
      if (!progress) {
        progress = client.chat.postMessage({ channel, text: escapeMrkdwn(text) }).then((r) => r.ts);
        await progress;
        return;
      }
      const ts = await progress;
      if (ts) await client.chat.update({ channel, ts, text: escapeMrkdwn(text) });
    },
  });
  await saved?.(result.saved);
  if (!result.replies.length) return;
  const rendered = renderBlocks(result.replies, await replyExtras(d.ctx, id, result.replies, result.conversation.lang));
  const ts = progress ? await progress.catch(() => undefined) : undefined;
  if (ts) await client.chat.update({ channel, ts, blocks: rendered.blocks, text: rendered.text });
  else await client.chat.postMessage({ channel, blocks: rendered.blocks, text: rendered.text });
}

/** The event id Slack gives an Events API delivery (the same on its retries). */
export function eventIdOf(body: unknown): string | undefined {
  const id = (body as { event_id?: unknown }).event_id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * What another replica needs to run this event's turn (`to.channel`: the DM; none for a mention,
 * whose DM is opened then). Undefined without an event id (nothing to key it by).
 */
export function taken(body: unknown, team: string, user: string, event: ChatEvent, channel?: string): Taken | undefined {
  const eventId = eventIdOf(body);
  if (!eventId) return undefined;
  return { eventId, payload: { ...(channel ? { conversationId: `slack:${team}:${channel}:${user}` } : {}), event, to: { team, user, ...(channel ? { channel } : {}) } } };
}

/** Runs an accepted event another replica took but did not finish (its acked turn, its reply). */
export async function resume(d: SlackDeps, client: WebClient, accepted: AcceptedEvent): Promise<void> {
  const { team, user, channel } = accepted.payload.to;
  if (!team || !user) return d.ctx.seen.done(accepted.key);
  const dm = channel ?? (await dmWith(client, user));
  // A second try: done however it went (a turn that keeps failing is not tried every two minutes).
  await converse(d, client, team, dm, user, accepted.payload.event, () => d.ctx.seen.done(accepted.key), accepted.key);
}
