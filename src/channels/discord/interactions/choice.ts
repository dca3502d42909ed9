// A choice button: the answered question keeps its text and shows the choice; its buttons go.
import type { ButtonInteraction } from 'discord.js';
import { safeText } from '../render.ts';
import { sendAll, turn, type DiscordDeps } from '../deps.ts';

export async function choose(d: DiscordDeps, i: ButtonInteraction): Promise<void> {
  await i.deferUpdate();
  const id = i.customId.slice('choice:'.length);
  const label = (i.component && 'label' in i.component ? i.component.label : undefined) ?? id;
  await i
    .editReply({ content: `${i.message.content}\n→ ${safeText(label)}`.slice(0, 2000), components: [], allowedMentions: { parse: [] } })
    .catch((err: unknown) => d.ctx.log.warn('could not update the answered message', { err }));
  await sendAll(d, i.channelId, await turn(d, i.channelId, i.user.id, { type: 'choice', id }));
}
