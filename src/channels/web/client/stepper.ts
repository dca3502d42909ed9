// Where the person is in a flow of numbered steps: a row of dots, the steps done filled, the current
// one marked (aria-current), and "Step 5 of 9" in words.
import { el } from './dom.ts';
import { word, type ChatPage } from './page.ts';

export function stepper(page: ChatPage, stage: { at: number; of: number }): HTMLElement {
  const nav = el('div', 'stepper');
  const label = word(page, 'stepOf', { at: stage.at, of: stage.of });
  nav.append(el('div', 'stepper-label', label));
  const dots = el('ol', 'stepper-dots');
  dots.setAttribute('aria-hidden', 'true');
  for (let i = 1; i <= stage.of; i++) {
    const dot = el('li', i < stage.at ? 'done' : i === stage.at ? 'current' : '');
    if (i === stage.at) dot.setAttribute('aria-current', 'step');
    dots.append(dot);
  }
  nav.append(dots);
  nav.dataset.at = String(stage.at);
  nav.dataset.of = String(stage.of);
  return nav;
}
