// What the browser gets: the engine's replies, with QR codes drawn, clock links added, and each
// finding carrying its checklist card's title (the one the chat platforms' cards have).
import QRCode from 'qrcode';
import type { ChannelContext } from '../context.ts';
import type { Lang } from '../../ports/lang.ts';
import type { Reply } from '../../ports/conversations.ts';
import { clockLinkUrl } from '../shared/clock-link.ts';

/** A finding with the title of the card it goes into. */
export type WebFinding = Extract<Reply, { kind: 'finding' }> & { title: string };

/** `local`: the link points at this computer only (PUBLIC_URL is loopback), so no phone can open it. */
export type WebReply =
  | Exclude<Reply, { kind: 'finding' }>
  | WebFinding
  | { kind: 'clock'; url: string; qr: string; local: boolean }
  | { kind: 'image'; format: 'qr'; data: string; alt: string; url: string; qr: string };

export type ToWeb = (conversationId: string, replies: Reply[], lang?: Lang) => Promise<WebReply[]>;

export function webReplies(ctx: Pick<ChannelContext, 'site' | 'words' | 'links' | 'clock'>): ToWeb {
  const publicHost = new URL(ctx.site.publicUrl).hostname.replace(/^\[|\]$/g, '');
  const loopbackUrl = publicHost === 'localhost' || publicHost.endsWith('.localhost') || /^127\./.test(publicHost) || publicHost === '::1';
  return async (conversationId, replies, lang = 'en') => {
    const out: WebReply[] = [];
    for (const r of replies) {
      if (r.kind === 'finding') {
        out.push({ ...r, title: ctx.words.say(lang, 'checklist_title') });
        // The web page checks the browser's own address: say so, and how to check another computer.
        if (r.check === 'network' && r.code !== 'network.private') out.push({ kind: 'text', text: ctx.words.web(lang, 'network_note') });
        continue;
      }
      if (r.kind === 'image') {
        out.push({ ...r, url: r.data, qr: await QRCode.toDataURL(r.data, { margin: 1, width: 200 }) });
        continue;
      }
      out.push(r);
      if (r.kind === 'prompt' && r.input === 'device_time') {
        const url = await clockLinkUrl(ctx, conversationId);
        out.push({ kind: 'clock', url, qr: await QRCode.toDataURL(url, { margin: 1, width: 200 }), local: loopbackUrl });
      }
    }
    return out;
  };
}
