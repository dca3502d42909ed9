// Findings as a checklist: one row a check, with a mark that says how it went (a token still
// pending gets an hourglass, not a warning). One view model that the web page draws as a card,
// Slack as a section of blocks and Discord as an embed, each with its own symbols.
import type { FindingStatus, Reply } from '../../ports/conversations.ts';

export type Finding = Extract<Reply, { kind: 'finding' }>;

/** How a row is marked: the status, except that waiting for activation is its own mark. */
export type Mark = FindingStatus | 'pending';

export interface ChecklistItem {
  check: string;
  code: string;
  status: FindingStatus;
  mark: Mark;
  text: string;
}

const PENDING_CODES: ReadonlySet<string> = new Set(['token.pending']);

export function checklistItem(f: Finding): ChecklistItem {
  return { check: f.check, code: f.code, status: f.status, mark: PENDING_CODES.has(f.code) ? 'pending' : f.status, text: f.text };
}

/** The findings of one answer as a card: its title and a row a check, and the mark of the whole (the worst). */
export interface ChecklistCard {
  title: string;
  items: ChecklistItem[];
  mark: Mark;
}

/** Worst first: a card is marked by its worst row. */
const SEVERITY: readonly Mark[] = ['fail', 'warn', 'unknown', 'pending', 'pass'];

export function checklistCard(findings: readonly Finding[], title: string): ChecklistCard {
  const items = findings.map(checklistItem);
  const mark = SEVERITY.find((m) => items.some((i) => i.mark === m)) ?? 'pass';
  return { title, items, mark };
}

/** A card's rows as lines of text, each its platform's mark and the text made safe for it. */
export function checklistLines(card: ChecklistCard, marks: Record<Mark, string>, safe: (text: string) => string): string[] {
  return card.items.map((i) => `${marks[i.mark]} ${safe(i.text)}`);
}

/** Each platform's symbols for the marks. */
export const MARKS = {
  web: { pass: '✔', warn: '!', fail: '✘', unknown: '?', pending: '⏳' },
  slack: { pass: ':white_check_mark:', warn: ':warning:', fail: ':x:', unknown: ':grey_question:', pending: ':hourglass_flowing_sand:' },
  discord: { pass: '✅', warn: '⚠️', fail: '❌', unknown: '❔', pending: '⏳' },
} as const satisfies Record<string, Record<Mark, string>>;
