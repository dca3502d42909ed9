// The phone clock-check link a channel shows when the conversation asks for the phone's time:
// signed, short-lived, tied to the conversation that asked.
import type { ChannelContext } from './context.ts';
import type { Reply } from '../engine/replies.ts';
import { catalogues, type Lang } from '../i18n/index.ts';

export async function clockLinkUrl(helpdesk: Pick<ChannelContext, 'links' | 'clock' | 'config'>, conversationId: string): Promise<string> {
  const token = await helpdesk.links.create({ kind: 'clock', conversationId, expiresAt: helpdesk.clock.now() + helpdesk.config.CLOCK_LINK_MINUTES * 60_000 });
  return `${helpdesk.config.PUBLIC_URL}/c/${token}`;
}

/** A link and its button label when the replies ask for the phone's time; nothing otherwise. */
export async function clockLinkFor(
  helpdesk: Pick<ChannelContext, 'links' | 'clock' | 'config'>,
  conversationId: string,
  replies: Reply[],
  lang: Lang,
): Promise<{ clockUrl?: string; clockLabel?: string }> {
  if (!replies.some((r) => r.kind === 'prompt' && r.input === 'device_time')) return {};
  return { clockUrl: await clockLinkUrl(helpdesk, conversationId), clockLabel: catalogues[lang].channel.clock_button };
}
