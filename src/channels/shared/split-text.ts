// A long text in pieces a platform takes (a Slack section holds 3000 characters, a Discord message
// 2000): split at a paragraph, a line or a word where it can be, never cut short.

/** `text` in pieces of at most `max` characters, together the whole text (the whitespace split at aside). */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const at = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find((i) => i > max / 2) ?? max;
    pieces.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).replace(/^\s+/, '');
  }
  if (rest || !pieces.length) pieces.push(rest);
  return pieces;
}
