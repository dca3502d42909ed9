// The clock, drawn from the measurement: the phone's time and the true time as two clock faces side
// by side, each with its time in digits below it (the pictures' text alternative; the drawings are
// hidden from screen readers), and the difference in seconds between them.
import { el } from './dom.ts';
import { fill, type Lang, type Words } from './words.ts';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** A hand `length` long from the centre of a 100×100 face, at `turn` (0–1) of a full circle. */
function hand(turn: number, length: number, width: number, cls: string): SVGLineElement {
  const a = turn * 2 * Math.PI;
  return svg('line', { x1: 50, y1: 50, x2: 50 + length * Math.sin(a), y2: 50 - length * Math.cos(a), 'stroke-width': width, 'stroke-linecap': 'round', class: cls });
}

/** An analogue face showing `time` (local time of this browser). */
function face(time: Date): SVGSVGElement {
  const root = svg('svg', { viewBox: '0 0 100 100', width: 96, height: 96, 'aria-hidden': 'true', focusable: 'false' });
  root.append(svg('circle', { cx: 50, cy: 50, r: 46, class: 'dial' }));
  for (let h = 0; h < 12; h++) {
    const a = (h / 12) * 2 * Math.PI;
    const inner = h % 3 ? 38 : 34;
    root.append(svg('line', { x1: 50 + inner * Math.sin(a), y1: 50 - inner * Math.cos(a), x2: 50 + 42 * Math.sin(a), y2: 50 - 42 * Math.cos(a), class: 'tick' }));
  }
  const s = time.getSeconds() + time.getMilliseconds() / 1000;
  const m = time.getMinutes() + s / 60;
  const h = (time.getHours() % 12) + m / 60;
  root.append(hand(h / 12, 22, 5, 'hour'), hand(m / 60, 32, 3.5, 'minute'), hand(s / 60, 38, 1.5, 'second'), svg('circle', { cx: 50, cy: 50, r: 3, class: 'pin' }));
  return root;
}

/** The locale each language writes a time of day in (a 24-hour clock in both). */
const TIME_LOCALE: Record<Lang, string> = { en: 'en-GB', sv: 'sv-SE' };

function clockFace(time: Date, label: string, lang: Lang, cls: string): HTMLElement {
  const box = el('div', `face ${cls}`);
  const digits = el('time', 'face-time', time.toLocaleTimeString(TIME_LOCALE[lang], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }));
  digits.dateTime = time.toISOString();
  box.append(face(time), el('div', 'face-label', label), digits);
  return box;
}

/**
 * The picture of a clock `offsetSeconds` off (device minus true time), as of `trueNow` (ms): the
 * phone's face, the difference, the true face.
 */
export function clockPicture(offsetSeconds: number, words: Words, lang: Lang, trueNow: number): HTMLElement {
  const w = words[lang];
  const seconds = Math.round(offsetSeconds);
  const figure = el('figure', 'clock-picture');
  figure.dataset.offsetSeconds = String(seconds);
  const phone = new Date(trueNow + seconds * 1000);
  const truth = new Date(trueNow);
  figure.dataset.phoneTime = String(phone.getTime());
  figure.dataset.trueTime = String(truth.getTime());
  const diff = seconds === 0 ? '=' : fill(w[seconds > 0 ? 'clockAhead' : 'clockBehind'], { seconds: Math.abs(seconds) });
  figure.append(clockFace(phone, w.clockPhone, lang, 'phone'), el('div', 'clock-diff', diff), clockFace(truth, w.clockTrue, lang, 'true'));
  return figure;
}
