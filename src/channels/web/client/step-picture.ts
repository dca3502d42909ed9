// A question's small picture (a phone scanning the QR code, the code field), drawn beside the step it
// illustrates: our own SVG from /static/pictures/, its text alternative from the catalogue.
import type { Picture } from '../../../ports/conversations.ts';
import { el } from './dom.ts';

export function stepPicture(picture: { name: Picture; alt: string }): HTMLElement {
  const img = el('img', 'step-picture');
  img.src = `/static/pictures/${picture.name.replaceAll('_', '-')}.svg`;
  img.alt = picture.alt;
  img.width = 240;
  img.dataset.picture = picture.name;
  return img;
}
