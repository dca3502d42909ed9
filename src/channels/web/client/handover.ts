// A hand-over as a card of its own: what happened, the reference as one chip that never breaks and
// can be copied, and what happens next (the sentence says when to expect an answer).
import type { Reply } from '../../../ports/conversations.ts';
import { bubble, el } from './dom.ts';
import { word, type ChatPage } from './page.ts';

type Handover = Extract<Reply, { kind: 'handover' }>;

function copyButton(page: ChatPage, ticket: string): HTMLButtonElement {
  const b = el('button', 'btn copy-ref', `${word(page, 'copy')} ${ticket}`);
  b.type = 'button';
  b.addEventListener('click', () => {
    navigator.clipboard?.writeText(ticket).then(
      () => (b.textContent = word(page, 'copied')),
      () => {},
    );
  });
  return b;
}

export function renderHandover(page: ChatPage, reply: Handover): void {
  const div = bubble(page.log, `handover${reply.urgent ? ' urgent' : ''}`);
  div.dataset.ticket = reply.ticket ?? '';
  const p = el('p');
  const parts = reply.ticket ? reply.text.split(reply.ticket) : [reply.text];
  parts.forEach((part, i) => {
    if (i && reply.ticket) p.append(el('span', 'ref-chip', reply.ticket));
    p.append(part);
  });
  div.append(el('div', 'handover-title', word(page, 'handedOver')), p);
  if (reply.ticket) div.append(copyButton(page, reply.ticket));
}
