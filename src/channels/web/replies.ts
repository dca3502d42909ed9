// What the browser gets: the engine's replies, with QR codes drawn and clock links added.
import QRCode from 'qrcode';
import type { WebContext as ChannelContext } from './web-context.ts';
import type { Reply } from '../../engine/replies.ts';
import { catalogues, render, type Lang } from '../../i18n/index.ts';
import { clockLinkUrl } from '../shared/clock-link.ts';

/** `local`: the link points at this computer only (PUBLIC_URL is loopback), so no phone can open it. */
export type WebReply = Reply | { kind: 'clock'; url: string; qr: string; local: boolean } | { kind: 'image'; format: 'qr'; data: string; alt: string; url: string; qr: string };

export type ToWeb = (conversationId: string, replies: Reply[], lang?: Lang) => Promise<WebReply[]>;

export function webReplies(app: ChannelContext): ToWeb {
  const publicHost = new URL(app.config.PUBLIC_URL).hostname.replace(/^\[|\]$/g, '');
  const loopbackUrl = publicHost === 'localhost' || publicHost.endsWith('.localhost') || /^127\./.test(publicHost) || publicHost === '::1';
  return async (conversationId, replies, lang = 'en') => {
    const out: WebReply[] = [];
    for (const r of replies) {
      if (r.kind === 'finding' && r.check === 'network' && r.code !== 'network.private') {
        // The web page checks the browser's own address: say so, and how to check another computer.
        out.push(r, { kind: 'text', text: render(catalogues[lang].web.network_note, { ...app.words }) });
        continue;
      }
      if (r.kind === 'image') {
        out.push({ ...r, url: r.data, qr: await QRCode.toDataURL(r.data, { margin: 1, width: 200 }) });
        continue;
      }
      out.push(r);
      if (r.kind === 'prompt' && r.input === 'device_time') {
        const url = await clockLinkUrl({ links: app.links, clock: app.clock, site: { publicUrl: app.config.PUBLIC_URL, clockLinkMinutes: app.config.CLOCK_LINK_MINUTES } }, conversationId);
        out.push({ kind: 'clock', url, qr: await QRCode.toDataURL(url, { margin: 1, width: 200 }), local: loopbackUrl });
      }
    }
    return out;
  };
}
