// What a chat platform adds to a turn's replies from the catalogue and the site: the phone clock link
// when the phone's time is asked for, and the checklist card's title when there are findings.
import type { ChannelContext } from '../context.ts';
import type { Lang } from '../../ports/lang.ts';
import type { Reply } from '../../ports/conversations.ts';
import { clockLinkFor, type ClockLink } from './clock-link.ts';

export interface ReplyExtras extends ClockLink {
  checklistTitle?: string;
}

export async function replyExtras(ctx: Pick<ChannelContext, 'links' | 'clock' | 'site' | 'words'>, conversationId: string, replies: Reply[], lang: Lang): Promise<ReplyExtras> {
  const title = replies.some((r) => r.kind === 'finding') ? { checklistTitle: ctx.words.say(lang, 'checklist_title') } : {};
  return { ...(await clockLinkFor(ctx, conversationId, replies, lang)), ...title };
}
