// While the helpdesk works on a turn: a typing indicator below the conversation, the log marked
// busy (so a screen reader waits and then reads the answer, not the indicator's churn; the
// indicator itself is hidden from it), the Send button disabled, and, when a check takes a while,
// what it is doing ("Checking your network…"), asked of the server as the check starts.
import type { ChatPage } from './page.ts';
import { word } from './page.ts';

/** How long the server holds a progress request open when nothing new happens. */
const PROGRESS_WAIT_S = 10;

interface Progress {
  seq: number;
  text?: string;
}

async function follow(label: HTMLElement, signal: AbortSignal): Promise<void> {
  let seen = 0;
  while (!signal.aborted) {
    try {
      const res = await fetch(`/api/chat/progress?seen=${seen}&wait=${PROGRESS_WAIT_S}`, { credentials: 'same-origin', signal });
      if (!res.ok) return;
      const p = (await res.json()) as Progress;
      if (p.text && p.seq > seen) label.textContent = p.text;
      seen = Math.max(seen, p.seq);
    } catch {
      return; // aborted when the answer came, or the server is unreachable: the dots stay
    }
  }
}

export interface Working {
  start(): void;
  stop(): void;
}

export function working(page: ChatPage): Working {
  const box = document.getElementById('working') as HTMLElement;
  const label = box.querySelector('.working-text') as HTMLElement;
  const sendButton = document.querySelector<HTMLButtonElement>('#say button[type="submit"]');
  let following: AbortController | undefined;
  return {
    start() {
      page.busy = true;
      page.log.setAttribute('aria-busy', 'true');
      if (sendButton) sendButton.disabled = true;
      label.textContent = word(page, 'working');
      box.hidden = false;
      following = new AbortController();
      void follow(label, following.signal);
    },
    stop() {
      following?.abort();
      following = undefined;
      box.hidden = true;
      page.busy = false;
      page.log.setAttribute('aria-busy', 'false');
      if (sendButton) sendButton.disabled = false;
    },
  };
}
