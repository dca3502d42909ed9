// The clock link and QR images: on a computer the QR code for the phone, on a phone (or where the
// address is this computer's only) a button that measures the device at hand.
import type { WebReply } from '../replies.ts';
import { bubble, el, safeUrl } from './dom.ts';
import { word, type ChatPage } from './page.ts';

type ClockOffer = Extract<WebReply, { kind: 'clock' }>;
type QrImage = Extract<WebReply, { kind: 'image'; qr: string }>;

/** A button-styled link that opens the clock check on the device at hand. */
function measureHereButton(url: string, label: string): HTMLDivElement {
  const here = el('a', 'btn clock-here', label);
  here.href = url;
  here.target = '_blank';
  here.rel = 'noopener';
  const wrap = el('div', 'choices');
  wrap.append(here);
  return wrap;
}

/** A QR code with the address beside it (and, for the clock, the button to measure this device). */
export function renderQr(page: ChatPage, reply: ClockOffer | QrImage): void {
  const clock = reply.kind === 'clock';
  const div = bubble(page.log);
  div.append(el('div', '', clock ? word(page, 'scan') : reply.alt));
  if (reply.qr.startsWith('data:image/png;base64,')) {
    const img = el('img', 'qr');
    img.src = reply.qr;
    img.alt = clock ? reply.url : reply.alt;
    div.append(img);
  }
  const url = safeUrl(reply.url);
  if (!url) return;
  const a = el('a', 'clock-link', url);
  a.href = url;
  a.rel = 'noopener noreferrer';
  div.append(a);
  if (clock) div.append(measureHereButton(url, word(page, 'thisDevice')));
}

export function renderClockOffer(page: ChatPage, reply: ClockOffer): void {
  if (!page.onPhone && !reply.local) return renderQr(page, reply);
  // Someone already on a phone measures it right here; a link only this computer can open is no use to a phone.
  const url = safeUrl(reply.url);
  const div = bubble(page.log);
  if (reply.local && !page.onPhone) div.append(el('div', 'local-note', word(page, 'local')));
  if (url) div.append(measureHereButton(url, word(page, page.onPhone ? 'measureHere' : 'thisDevice')));
}
