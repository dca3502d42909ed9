// A button of a question: the question keeps its text and shows the choice, and the turn runs.
import type { App } from '@slack/bolt';
import { escapeMrkdwn } from '../blocks.ts';
import { converse, type SlackDeps } from '../deps.ts';

export function registerChoices(app: App, d: SlackDeps): void {
  app.action(/^choice:/, async ({ ack, body, action, client, context }) => {
    await ack();
    const b = body as { user: { id: string }; channel?: { id: string }; message?: { ts: string; blocks?: unknown[] }; team?: { id: string } | null };
    const id = (action as { value?: string }).value ?? '';
    const channel = b.channel?.id;
    if (!channel) return;
    const label = (action as { text?: { text?: string } }).text?.text ?? id;
    d.queue.later(b.user.id, async () => {
      if (b.message?.ts && Array.isArray(b.message.blocks)) {
        // The buttons of an answered question go; what was chosen stays visible.
        const kept = (b.message.blocks as Array<{ type: string; block_id?: string }>).filter((x) => !(x.type === 'actions' && x.block_id === 'choices'));
        await client.chat
          .update({ channel, ts: b.message.ts, blocks: [...(kept as never[]), { type: 'context', elements: [{ type: 'mrkdwn', text: `→ ${escapeMrkdwn(label)}` }] }], text: escapeMrkdwn(label) })
          .catch((err: unknown) => d.ctx.log.warn('could not update the answered message', { err }));
      }
      await converse(d, client, context.teamId ?? b.team?.id ?? 'T', channel, b.user.id, { type: 'choice', id });
    });
  });

  // The clock link is a URL button: Slack still sends its click, which only needs an ack.
  app.action('clock-link', async ({ ack }) => {
    await ack();
  });
}
