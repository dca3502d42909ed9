// Small DOM builders. Every text goes in through textContent, so nothing a person (or an upstream)
// typed can become markup.

/** An element with a class and a text, if given. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A message bubble at the end of the conversation. */
export function bubble(log: HTMLElement, cls = ''): HTMLDivElement {
  const div = el('div', `msg ${cls}`.trim());
  log.append(div);
  return div;
}

/** An http(s) address made absolute, or null for anything else (javascript:, data:, garbage). */
export function safeUrl(url: string): string | null {
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
