// Replies as plain text (the terminal, the line chat): numbered choices, marked findings, links spelled out.
import type { Choice, Reply } from '../../ports/conversations.ts';

const MARK = { pass: '[ok]', warn: '[!!]', fail: '[xx]', unknown: '[??]' } as const;

export interface Rendered {
  text: string;
  /** The choices now on screen, so "2" means the second of them. */
  choices?: Choice[];
}

export function renderReplies(replies: Reply[]): Rendered {
  const lines: string[] = [];
  let choices: Choice[] | undefined;
  for (const r of replies) {
    switch (r.kind) {
      case 'text':
      case 'handover':
        lines.push(r.text);
        break;
      case 'prompt':
        lines.push(r.text);
        choices = undefined;
        break;
      case 'choices':
        if (r.stage) lines.push(r.stage.label);
        lines.push(r.prompt);
        r.choices.forEach((c, i) => lines.push(`  ${i + 1}) ${c.label}`));
        choices = r.choices;
        break;
      case 'finding':
        lines.push(`${MARK[r.status]} ${r.text}`);
        break;
      case 'link':
        lines.push(`${r.label}: ${r.url}`);
        break;
      case 'image':
        lines.push(`(${r.alt}: ${r.data})`);
        break;
    }
  }
  return { text: lines.join('\n'), ...(choices ? { choices } : {}) };
}
