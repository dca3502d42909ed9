// Findings as a small checklist card: the findings of one answer in one card, a row a check with its
// mark (the shared view model, channels/shared/checklist.ts) and what was found; a measured clock
// drawn in its row.
import { checklistItem, MARKS } from '../../shared/checklist.ts';
import type { WebFinding } from '../replies.ts';
import { clockPicture } from './clock-picture.ts';
import { bubble, el } from './dom.ts';
import type { ChatPage } from './page.ts';

/** The card the findings of this answer go into: the newest one if still open, else a new one titled `title`. */
function openCard(page: ChatPage, title: string): HTMLUListElement {
  const last = page.log.lastElementChild;
  const open = last instanceof HTMLElement && last.dataset.open === 'true' ? last.querySelector('ul') : null;
  if (open) return open;
  const card = bubble(page.log, 'checklist');
  card.dataset.open = 'true';
  const heading = el('div', 'checklist-title', title);
  heading.id = `checked-${page.log.childElementCount}`;
  const list = el('ul');
  list.setAttribute('aria-labelledby', heading.id);
  card.append(heading, list);
  return list;
}

/** Findings that come later (another answer) start a card of their own. */
export function closeCard(page: ChatPage): void {
  for (const card of page.log.querySelectorAll<HTMLElement>('.checklist[data-open]')) delete card.dataset.open;
}

export function renderFinding(page: ChatPage, reply: WebFinding): void {
  const item = checklistItem(reply);
  const row = el('li', 'finding');
  row.dataset.status = item.status;
  row.dataset.mark = item.mark;
  row.dataset.code = item.code;
  row.dataset.check = item.check;
  const mark = el('span', 'mark', MARKS.web[item.mark]);
  mark.setAttribute('aria-hidden', 'true');
  const text = el('div', 'finding-text');
  text.append(el('span', '', item.text));
  // A clock that was measured is drawn too: the phone's time beside the true time.
  const offset = reply.facts?.offsetSeconds;
  if (item.check === 'clock' && offset !== undefined) text.append(clockPicture(offset, page.words, page.lang, Date.now()));
  row.append(mark, text);
  openCard(page, reply.title).append(row);
}
