// A question's small picture (a phone scanning the QR code, the code field), drawn beside the step it
// illustrates: our own SVG from /static/pictures/, its text alternative from the catalogue.
import type { Picture } from '../../../ports/conversations.ts';
import { el } from './dom.ts';

/**
 * Each picture's size (its SVG's viewBox): given to the img, the page keeps the room before the file
 * has loaded, so a message scrolled into view stays in view when the picture arrives.
 */
const SIZES: Record<Picture, { width: number; height: number }> = {
  scan_qr: { width: 240, height: 150 },
  code_entry: { width: 240, height: 110 },
};

export function stepPicture(picture: { name: Picture; alt: string }): HTMLElement {
  const img = el('img', 'step-picture');
  img.src = `/static/pictures/${picture.name.replaceAll('_', '-')}.svg`;
  img.alt = picture.alt;
  img.width = SIZES[picture.name].width;
  img.height = SIZES[picture.name].height;
  img.dataset.picture = picture.name;
  return img;
}
