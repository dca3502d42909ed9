// The /2fa command: the conversation continues in the person's DM, whatever channel it was typed in.
import type { App } from '@slack/bolt';
import { converse, dmWith, say, type SlackDeps } from '../deps.ts';

export function registerCommand(app: App, d: SlackDeps): void {
  app.command(d.settings.command, async ({ ack, command, client, context }) => {
    const inDm = command.channel_id.startsWith('D');
    await ack(inDm ? undefined : { response_type: 'ephemeral', text: say(d, 'en', 'dm_sent') });
    const text = command.text.trim();
    d.queue.later(command.user_id, async () => {
      const dm = await dmWith(client, command.user_id);
      await converse(d, client, context.teamId ?? command.team_id, dm, command.user_id, text ? { type: 'text', text } : { type: 'start' });
    });
  });
}
