// Replies as Discord messages: text (markdown escaped, never a mention), buttons for choices and
// links, findings as one compact block. Each message fits Discord's limits (2 000 characters,
// five rows of five buttons).
import { ButtonStyle, ComponentType, escapeMarkdown } from 'discord.js';
import type { Reply } from '../../ports/conversations.ts';
import type { StaffReportView, StaffTarget } from '../../ports/staff-desk.ts';
import { checklistItem, MARKS } from '../shared/checklist.ts';
import { httpUrl } from '../shared/http-url.ts';
import { encodeTarget } from '../shared/diagnostic.ts';
import type { ClockLink } from '../shared/clock-link.ts';

const MARK = MARKS.discord;
const LIMIT = 1900;

type Button =
  | { type: ComponentType.Button; style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success; label: string; custom_id: string }
  | { type: ComponentType.Button; style: ButtonStyle.Link; label: string; url: string };
type Row = { type: ComponentType.ActionRow; components: Button[] };

export interface DiscordPayload {
  content: string;
  components: Row[];
  allowedMentions: { parse: [] };
}

/** Markdown escaped, and @everyone/@here defused even where allowedMentions would not ping. */
export function safeText(text: string): string {
  return escapeMarkdown(text).replace(/@(everyone|here)\b/gi, '@\u200b$1');
}


function rows(buttons: Button[]): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < buttons.length && out.length < 5; i += 5) out.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + 5) });
  return out;
}

export function renderMessages(replies: Reply[], extra: ClockLink = {}): DiscordPayload[] {
  const out: DiscordPayload[] = [];
  let lines: string[] = [];
  let buttons: Button[] = [];
  const push = () => {
    if (!lines.length && !buttons.length) return;
    let content = lines.join('\n');
    while (content.length > LIMIT) {
      out.push({ content: content.slice(0, LIMIT), components: [], allowedMentions: { parse: [] } });
      content = content.slice(LIMIT);
    }
    out.push({ content: content || '…', components: rows(buttons), allowedMentions: { parse: [] } });
    lines = [];
    buttons = [];
  };
  for (const r of replies) {
    switch (r.kind) {
      case 'text':
      case 'handover':
        lines.push(safeText(r.text));
        break;
      case 'prompt':
        lines.push(safeText(r.text));
        if (r.input === 'device_time' && extra.clockUrl && extra.clockLabel) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Link, label: extra.clockLabel, url: extra.clockUrl });
        break;
      case 'finding':
        lines.push(`${MARK[checklistItem(r).mark]} ${safeText(r.text)}`);
        break;
      case 'choices':
        // Choices end a message: its buttons answer this question only.
        if (r.stage) lines.push(`**${safeText(r.stage.label)}**`);
        lines.push(safeText(r.prompt));
        buttons.push(...r.choices.slice(0, 25).map((c) => ({ type: ComponentType.Button as const, style: ButtonStyle.Secondary as const, label: c.label.slice(0, 80), custom_id: `choice:${c.id}`.slice(0, 100) })));
        push();
        break;
      case 'link':
      case 'image': {
        const url = httpUrl(r.kind === 'link' ? r.url : r.data);
        const label = (r.kind === 'link' ? r.label : r.alt).slice(0, 80);
        if (url) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Link, label, url });
        else lines.push(safeText(label));
        break;
      }
    }
  }
  push();
  return out;
}

/** The staff report, in a staff voice, with what to do and buttons to act on it. */
export function renderReport(view: StaffReportView, target: StaffTarget): DiscordPayload {
  const lines = [`**${safeText(view.heading)}**${view.ip ? ` @ ${safeText(view.ip)}` : ''} — ${view.generatedAt} UTC`];
  for (const l of view.lines) lines.push(`${MARK[l.status]} **${l.check}** ${safeText(l.text)} \`${l.code}\``);
  if (view.actions.length) lines.push('', view.nextSteps, ...view.actions.map((a) => `• ${safeText(a)}`));
  const key = Buffer.from(encodeTarget(target)).toString('base64url');
  const id = (kind: string) => `diag:${kind}:${key}`.slice(0, 100);
  return {
    content: lines.join('\n').slice(0, LIMIT),
    components: rows([
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: view.labels.runAgain, custom_id: id('rerun') },
      { type: ComponentType.Button, style: ButtonStyle.Success, label: view.labels.openTicket, custom_id: id('ticket') },
    ]),
    allowedMentions: { parse: [] },
  };
}
