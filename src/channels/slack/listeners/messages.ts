// A DM to the bot is a turn; a mention in a channel is answered in its thread and continued in a DM.
import type { App } from '@slack/bolt';
import { converse, dmWith, say, taken, type SlackDeps } from '../deps.ts';

interface MessageEvent {
  type?: string;
  channel_type?: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel: string;
  team?: string;
}

export function registerMessages(app: App, d: SlackDeps): void {
  // A DM, the event that comes in bursts, is taken in the app's own middleware (after Bolt's own,
  // which drops the bot's messages): no other listener wants it, and Bolt would pass it through
  // every listener's matching first, which cost its ack about a fifth more CPU than a bare Bolt app's.
  app.use(async ({ body, client, context, next }) => {
    const e = (body as { type?: string; event?: MessageEvent }).event;
    if ((body as { type?: string }).type !== 'event_callback' || e?.type !== 'message' || e.channel_type !== 'im') return next();
    if (e.subtype || e.bot_id || !e.user) return;
    const user = e.user;
    const team = context.teamId ?? e.team ?? 'T';
    const said = { type: 'text' as const, text: e.text ?? '' };
    const t = taken(body, team, user, said, e.channel);
    if (t && !(await d.queue.accept(t))) return;
    d.queue.later(user, (saved) => converse(d, client, team, e.channel, user, said, saved, t && `slack:${t.eventId}`), t);
  });

  app.event('app_mention', async ({ event, client, context, body }) => {
    const user = event.user;
    if (!user) return;
    const text = (event.text ?? '').replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ').trim();
    const team = context.teamId ?? 'T';
    const said = text ? { type: 'text' as const, text } : { type: 'start' as const };
    const t = taken(body, team, user, said);
    if (t && !(await d.queue.accept(t))) return;
    d.queue.later(
      user,
      async (saved) => {
        // Answered in the mention's own language; the profile's when the mention does not say.
        const lang = d.ctx.words.guessLang(text) ?? (await d.profiles.of(client, user)).lang;
        await client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts ?? event.ts, text: `<@${user}> ${say(d, lang, 'dm_sent')}` });
        const dm = await dmWith(client, user);
        await converse(d, client, team, dm, user, said, saved);
      },
      t,
    );
  });
}
