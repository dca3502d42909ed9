// The server's replies put on the page, one handler for each kind of reply.
import type { WebReply } from '../replies.ts';
import { renderClockOffer, renderQr } from './clock-offer.ts';
import { closeCard, renderFinding } from './checklist-card.ts';
import { bubble, el, safeUrl } from './dom.ts';
import { renderHandover } from './handover.ts';
import type { ChatPage } from './page.ts';
import { stepPicture } from './step-picture.ts';
import { stepper } from './stepper.ts';

type Kind = WebReply['kind'];
type Handlers = { [K in Kind]: (page: ChatPage, reply: Extract<WebReply, { kind: K }>) => void };

function disableOldChoices(page: ChatPage): void {
  for (const b of page.log.querySelectorAll<HTMLButtonElement>('.choices button')) b.disabled = true;
}

/** The idempotency keys of the staff replies this page has shown. */
const shownStaffReplies = new Set<string>();

function renderText(page: ChatPage, reply: Extract<WebReply, { kind: 'text' | 'prompt' }>): void {
  if (reply.kind === 'text' && reply.topic) {
    // The topic just started: a heading in the conversation, not something the bot asks.
    page.log.append(el('h2', 'topic', reply.text));
    return;
  }
  if (reply.kind === 'text' && reply.staff) {
    // A staff reply is delivered at least once: one delivered again (its replica died before marking it sent) is shown once.
    if (reply.key !== undefined) {
      if (shownStaffReplies.has(reply.key)) return;
      shownStaffReplies.add(reply.key);
    }
    // Written by a person of the support team: a bubble of its own, its first line saying who.
    const [from = '', ...rest] = reply.text.split('\n');
    bubble(page.log, 'staff').append(el('strong', 'staff-from', from), document.createTextNode(`\n${rest.join('\n')}`));
    return;
  }
  bubble(page.log, reply.kind === 'text' && reply.notice ? 'notice' : '').textContent = reply.text;
  if (reply.kind === 'prompt') page.awaiting = reply.input;
}

const handlers: Handlers = {
  text: renderText,
  prompt: renderText,
  finding: renderFinding,
  choices(page, reply) {
    page.awaiting = null;
    disableOldChoices(page);
    const div = bubble(page.log);
    const list = el('div', 'choices');
    for (const c of reply.choices) {
      const b = el('button', '', c.label);
      b.type = 'button';
      b.addEventListener('click', () => {
        if (page.busy) return;
        disableOldChoices(page);
        bubble(page.log, 'me').textContent = c.label;
        page.send({ type: 'choice', id: c.id });
      });
      list.append(b);
    }
    if (reply.stage) div.append(stepper(reply.stage));
    if (reply.picture) div.append(stepPicture(reply.picture));
    div.append(el('div', '', reply.prompt), list);
  },
  link(page, reply) {
    const url = safeUrl(reply.url);
    const div = bubble(page.log);
    if (!url) {
      div.textContent = reply.label;
      return;
    }
    const a = el('a', '', reply.label);
    a.href = url;
    a.rel = 'noopener noreferrer';
    a.target = '_blank';
    div.append(a);
  },
  image(page, reply) {
    if ('qr' in reply) renderQr(page, reply);
  },
  clock: renderClockOffer,
  handover: renderHandover,
};

export function render(page: ChatPage, replies: readonly WebReply[]): void {
  for (const reply of replies) {
    if (reply.kind !== 'finding') closeCard(page);
    // A kind this page does not know yet (a newer server) is left out rather than breaking the rest.
    const handle = handlers[reply.kind] as ((page: ChatPage, reply: WebReply) => void) | undefined;
    handle?.(page, reply);
  }
  closeCard(page);
}
