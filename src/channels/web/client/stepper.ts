// Where the person is in a flow of numbered steps: "Step 5 of 9" in words (the prompt under it does
// not say it again, so a screen reader hears it once) and a row of dots, hidden from screen readers,
// the steps done filled and the current one marked.
import type { Stage } from '../../../ports/conversations.ts';
import { el } from './dom.ts';

export function stepper(stage: Stage): HTMLElement {
  const nav = el('div', 'stepper');
  nav.append(el('div', 'stepper-label', stage.label));
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
