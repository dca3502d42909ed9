// The phone clock-check link a channel shows when the conversation asks for the phone's time:
// signed, short-lived, tied to the conversation that asked.
import type { ChannelContext, Site } from '../context.ts';
import type { Lang } from '../../ports/lang.ts';
import type { Reply } from '../../ports/conversations.ts';

export async function clockLinkUrl(ctx: Pick<ChannelContext, 'links' | 'clock'> & { site: Pick<Site, 'publicUrl' | 'clockLinkMinutes'> }, conversationId: string): Promise<string> {
  const token = await ctx.links.create({ kind: 'clock', conversationId, expiresAt: ctx.clock.now() + ctx.site.clockLinkMinutes * 60_000 });
  return `${ctx.site.publicUrl}/c/${token}`;
}

export interface ClockLink {
  clockUrl?: string;
  clockLabel?: string;
}

/** A link and its button label when the replies ask for the phone's time; nothing otherwise. */
export async function clockLinkFor(ctx: Pick<ChannelContext, 'links' | 'clock' | 'site' | 'words'>, conversationId: string, replies: Reply[], lang: Lang): Promise<ClockLink> {
  if (!replies.some((r) => r.kind === 'prompt' && r.input === 'device_time')) return {};
  return { clockUrl: await clockLinkUrl(ctx, conversationId), clockLabel: ctx.words.say(lang, 'clock_button') };
}
