// Turns to the server and answers back: one POST a turn, and a held poll for what arrives on its own.
import type { ChatEvent } from '../../../ports/conversations.ts';
import type { WebReply } from '../replies.ts';
import { bubble } from './dom.ts';
import { word, type ChatPage } from './page.ts';
import { render } from './render.ts';
import type { Working } from './working.ts';

const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');

/** The newest message comes into view (the start of it, if it is taller than the screen). */
export function reveal(page: ChatPage, last: Element | null = page.log.lastElementChild): void {
  if (!last) return;
  const behavior = reducedMotion.matches ? 'auto' : 'smooth';
  const tall = last.getBoundingClientRect().height > page.scroller.clientHeight;
  last.scrollIntoView({ block: tall ? 'start' : 'end', behavior });
}

export async function sendTurn(page: ChatPage, work: Working, event: ChatEvent): Promise<void> {
  work.start();
  reveal(page, document.getElementById('working'));
  try {
    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event, lang: page.lang }),
      credentials: 'same-origin',
    });
    if (res.status === 429) {
      bubble(page.log, 'notice').textContent = word(page, 'slow');
      return;
    }
    if (!res.ok) throw new Error(String(res.status));
    const body = (await res.json()) as { replies: WebReply[] };
    render(page, body.replies);
  } catch {
    bubble(page.log, 'notice').textContent = word(page, 'error');
  } finally {
    work.stop();
    reveal(page);
  }
}

// Answers that arrive on their own (a phone's clock measurement, a watch notice) come as soon as
// they exist: the server holds the poll open until one does, for up to 25 seconds.
export async function poll(page: ChatPage): Promise<void> {
  let next = 2000;
  if (document.visibilityState === 'visible' && !page.busy) {
    try {
      const asked = Date.now();
      const res = await fetch('/api/chat/poll?wait=25', { credentials: 'same-origin' });
      if (res.ok) {
        const replies = ((await res.json()) as { replies: WebReply[] }).replies;
        if (replies.length) {
          render(page, replies);
          reveal(page);
        }
        // Asked again at once after a held poll; a server too busy to hold one is asked less often.
        next = replies.length || Date.now() - asked > 1000 ? 100 : 2000;
      }
    } catch {
      /* the next poll tries again */
    }
  }
  setTimeout(() => void poll(page), next);
}
