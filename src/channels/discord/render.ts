// Replies as Discord messages: text (markdown escaped, never a mention), buttons for choices and
// links, the findings of one answer as a checklist card (an embed). Each message fits Discord's limits (2 000 characters,
// five rows of five buttons).
import { createHash } from 'node:crypto';
import { ButtonStyle, ComponentType, escapeMarkdown } from 'discord.js';
import type { Reply } from '../../ports/conversations.ts';
import type { StaffReportView, StaffTarget } from '../../ports/staff-desk.ts';
import { checklistCard, checklistLines, MARKS, type Finding, type Mark } from '../shared/checklist.ts';
import { httpUrl } from '../shared/http-url.ts';
import { encodeTarget } from '../shared/diagnostic.ts';
import { splitText } from '../shared/split-text.ts';
import type { ReplyExtras } from '../shared/reply-extras.ts';

const MARK = MARKS.discord;
const LIMIT = 1900;

type Button =
  | { type: ComponentType.Button; style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success; label: string; custom_id: string }
  | { type: ComponentType.Button; style: ButtonStyle.Link; label: string; url: string };
type Row = { type: ComponentType.ActionRow; components: Button[] };

/** A checklist card: its title, a row a check, the side colour from the worst row. */
export interface Embed {
  title?: string;
  description: string;
  color: number;
}

export interface DiscordPayload {
  content: string;
  components: Row[];
  embeds?: Embed[];
  allowedMentions: { parse: [] };
  /** A staff reply's pieces: Discord creates no second message with the same nonce (sent again after a replica died). */
  nonce?: string;
  enforceNonce?: boolean;
}

/** Discord's nonce (at most 25 characters) of piece `n` of the reply with idempotency key `key`. */
const nonceOf = (key: string, n: number) => createHash('sha256').update(`${key}#${n}`).digest('base64url').slice(0, 25);

const COLOURS: Record<Mark, number> = { pass: 0x166534, pending: 0x0b5cad, unknown: 0x475569, warn: 0x92400e, fail: 0xb91c1c };
/** An embed's description holds 4 096 characters. */
const EMBED_LIMIT = 4000;

function checklistEmbed(findings: readonly Finding[], title = ''): Embed {
  const card = checklistCard(findings, title);
  return { ...(title ? { title: title.slice(0, 256) } : {}), description: checklistLines(card, MARK, safeText).join('\n').slice(0, EMBED_LIMIT), color: COLOURS[card.mark] };
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

export function renderMessages(replies: Reply[], extra: ReplyExtras = {}): DiscordPayload[] {
  const out: DiscordPayload[] = [];
  let lines: string[] = [];
  let buttons: Button[] = [];
  // The findings of one answer: a card under the text before them; what follows starts a new message.
  let findings: Finding[] = [];
  let key: string | undefined;
  const push = () => {
    if (!lines.length && !buttons.length && !findings.length) return;
    // A long text (a staff member's reply) is split where a paragraph, line or word ends, never cut.
    const pieces = splitText(lines.join('\n'), LIMIT);
    const once = (n: number) => (key ? { nonce: nonceOf(key, n), enforceNonce: true } : {});
    pieces.slice(0, -1).forEach((piece, n) => out.push({ content: piece, components: [], allowedMentions: { parse: [] }, ...once(n) }));
    const embeds = findings.length ? { embeds: [checklistEmbed(findings, extra.checklistTitle)] } : {};
    out.push({ content: pieces.at(-1) || (findings.length ? '' : '…'), components: rows(buttons), ...embeds, allowedMentions: { parse: [] }, ...once(pieces.length - 1) });
    lines = [];
    buttons = [];
    findings = [];
    key = undefined;
  };
  for (const r of replies) {
    if (r.kind !== 'finding' && findings.length) push();
    switch (r.kind) {
      case 'text':
        if (r.key) {
          // A staff reply is a message (or several) of its own, sent once however often it is delivered.
          push();
          key = r.key;
          lines.push(safeText(r.text));
          push();
          break;
        }
        lines.push(safeText(r.text));
        break;
      case 'handover':
        lines.push(safeText(r.text));
        break;
      case 'prompt':
        lines.push(safeText(r.text));
        if (r.input === 'device_time' && extra.clockUrl && extra.clockLabel) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Link, label: extra.clockLabel, url: extra.clockUrl });
        break;
      case 'finding':
        findings.push(r);
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
