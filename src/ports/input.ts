// What people type where a channel asks for something: a name or an address (a staff command's
// target), and free text (the support form's fields, bound for a ticket). Pure functions the
// engine provides; a channel gets them through its context.

/** Parsers for what people type: a staff target, and the support form's text. */
export interface InputParsers {
  /** A username or an e-mail address, normalised; undefined when it is neither. */
  username(raw: string): string | undefined;
  ip(raw: string): string | undefined;
  /** Control characters (terminal escapes, bidi overrides) out; line breaks and tabs stay. */
  plainText(raw: string): string;
  /** A one-line field (a name, a subject, an address): control characters out, and line breaks and tabs become one space. */
  oneLine(raw: string): string;
  /** Free text with every code-like digit run replaced (a form's text bound for a ticket). */
  redactCodes(text: string): string;
}
