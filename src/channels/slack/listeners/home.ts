// The App Home: the topics as buttons; a button starts that topic in the person's DM.
import type { App } from '@slack/bolt';
import { converse, dmWith, say, type SlackDeps } from '../deps.ts';

export function registerHome(app: App, d: SlackDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab && event.tab !== 'home') return;
    // Published after the event's ack (the ack waits for this listener to return).
    d.queue.later(`home:${event.user}`, async () => {
      const { lang } = await d.profiles.of(client, event.user);
      const topics = d.ctx.conversations.topics();
      await client.views.publish({
        user_id: event.user,
        view: {
          type: 'home',
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: d.ctx.words.say(lang, 'home_title') } },
            { type: 'section', text: { type: 'mrkdwn', text: say(d, lang, 'home_intro') } },
            {
              type: 'actions',
              block_id: 'home-topics',
              elements: topics.map((f) => ({ type: 'button' as const, action_id: `home-topic:${f.id}`, value: f.id, text: { type: 'plain_text' as const, text: f.title[lang].slice(0, 75) } })),
            },
            { type: 'context', elements: [{ type: 'mrkdwn', text: say(d, lang, 'never_share') }] },
          ],
        },
      });
    });
  });

  app.action(/^home-topic:/, async ({ ack, body, action, client, context }) => {
    await ack();
    const user = (body as { user: { id: string } }).user.id;
    d.queue.later(user, async () => {
      const dm = await dmWith(client, user);
      await converse(d, client, context.teamId ?? 'T', dm, user, { type: 'topic', flow: (action as { value?: string }).value ?? '' });
    });
  });
}
