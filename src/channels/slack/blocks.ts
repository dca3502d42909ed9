// Replies as Block Kit: buttons for choices, one compact block for findings, links spelled out.
// Every text passes escapeMrkdwn, so nothing in it can ping a channel or forge a link.
import type { types } from '@slack/bolt';
import type { Reply } from '../../ports/conversations.ts';
import type { StaffReportView, StaffTarget } from '../../ports/staff-desk.ts';
import { checklistCard, checklistLines, MARKS, type Finding } from '../shared/checklist.ts';
import { httpUrl } from '../shared/http-url.ts';
import { splitText } from '../shared/split-text.ts';
import { encodeTarget } from '../shared/diagnostic.ts';
import type { ReplyExtras } from '../shared/reply-extras.ts';

type KnownBlock = types.KnownBlock;

const MARK = MARKS.slack;

/** Escapes Slack's control characters and defuses @channel, @here and @everyone. */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u200b$1');
}

/** A section holds 3000 characters: a longer text (a staff member's reply) is split over several, not cut. */
export function sections(text: string): KnownBlock[] {
  return splitText(escapeMrkdwn(text), 2900).map((piece) => ({ type: 'section', text: { type: 'mrkdwn', text: piece } }));
}


export interface Rendered {
  blocks: KnownBlock[];
  text: string;
}

/** The findings of one answer as a checklist card: the title in bold, a row a check with its mark. */
function checklistBlocks(findings: readonly Finding[], title = ''): KnownBlock[] {
  const card = checklistCard(findings, title);
  const rows = checklistLines(card, MARK, escapeMrkdwn).join('\n');
  // Emoji and text only: a finding never carries markup of its own.
  const [first, ...rest] = splitText(title ? `*${escapeMrkdwn(title)}*\n${rows}` : rows, 2900).map((piece): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: piece } }));
  return [{ ...first!, block_id: 'checklist' }, ...rest];
}

export function renderBlocks(replies: Reply[], extra: ReplyExtras = {}): Rendered {
  const blocks: KnownBlock[] = [];
  const plain: string[] = [];
  let findings: Finding[] = [];
  const flush = () => {
    if (findings.length) blocks.push(...checklistBlocks(findings, extra.checklistTitle));
    findings = [];
  };
  for (const r of replies) {
    if (r.kind !== 'finding') flush();
    switch (r.kind) {
      case 'text':
      case 'prompt':
        blocks.push(...sections(r.text));
        plain.push(r.text);
        if (r.kind === 'prompt' && r.input === 'device_time' && extra.clockUrl && extra.clockLabel) {
          blocks.push({
            type: 'actions',
            elements: [{ type: 'button', action_id: 'clock-link', text: { type: 'plain_text', text: extra.clockLabel }, url: extra.clockUrl }],
          });
        }
        break;
      case 'finding':
        findings.push(r);
        plain.push(r.text);
        break;
      case 'choices':
        blocks.push(...sections(r.stage ? `*${r.stage.label}*\n${r.prompt}` : r.prompt));
        blocks.push({
          type: 'actions',
          block_id: 'choices',
          elements: r.choices.slice(0, 25).map((c) => ({
            type: 'button',
            action_id: `choice:${c.id}`,
            value: c.id,
            text: { type: 'plain_text', text: c.label.slice(0, 75), emoji: false },
          })),
        });
        plain.push(r.prompt);
        break;
      case 'link':
      case 'image': {
        const url = httpUrl(r.kind === 'link' ? r.url : r.data);
        const label = r.kind === 'link' ? r.label : r.alt;
        blocks.push(url ? { type: 'section', text: { type: 'mrkdwn', text: `<${url}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>` } } : sections(label)[0]!);
        plain.push(label);
        break;
      }
      case 'handover':
        blocks.push(...sections(r.text));
        plain.push(r.text);
        break;
    }
  }
  flush();
  return { blocks: blocks.slice(0, 50), text: escapeMrkdwn(plain.join(' ').slice(0, 300) || '…') };
}

/** The staff report, in a staff voice: one block of findings with the facts, what to do, and buttons. */
export function renderReport(view: StaffReportView, target: StaffTarget): Rendered {
  const head = `*${escapeMrkdwn(view.heading)}*${view.ip ? ` @ ${escapeMrkdwn(view.ip)}` : ''} — ${view.generatedAt} UTC`;
  const lines = view.lines.map((l) => `${MARK[l.status]} *${l.check}* ${escapeMrkdwn(l.text)} \`${l.code}\``);
  const value = encodeTarget(target);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: head } },
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 2900) } },
  ];
  if (view.actions.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: [escapeMrkdwn(view.nextSteps), ...view.actions.map((a) => `• ${escapeMrkdwn(a)}`)].join('\n').slice(0, 2900) }] });
  blocks.push({
    type: 'actions',
    block_id: 'diagnose',
    elements: [
      { type: 'button', action_id: 'diag:rerun', value, text: { type: 'plain_text', text: view.labels.runAgain } },
      { type: 'button', action_id: 'diag:transcript', value, text: { type: 'plain_text', text: view.labels.showTranscript } },
      { type: 'button', action_id: 'diag:ticket', value, style: 'primary', text: { type: 'plain_text', text: view.labels.openTicket } },
    ],
  });
  return { blocks, text: escapeMrkdwn(view.heading) };
}
