// A hand-over as the staff channel shows it: one card (who, what the bot found, the last lines, the
// reference, and buttons to claim, diagnose again and close) whose state line changes as staff act,
// and a follow-up as a line in its thread. Staff read it in STAFF_LANG.
import type { types } from '@slack/bolt';
import type { Wording } from '../../ports/catalogue.ts';
import type { Lang } from '../../ports/lang.ts';
import type { Ticket } from '../../ports/tickets.ts';
import { encodeTarget } from '../shared/diagnostic.ts';
import { splitText } from '../shared/split-text.ts';
import { CARD_LAST_LINES, cardWho } from '../shared/staff-thread.ts';
import { escapeMrkdwn, sections } from './blocks.ts';

type KnownBlock = types.KnownBlock;

const MARK = { pass: ':white_check_mark:', warn: ':warning:', fail: ':x:', unknown: ':grey_question:' } as const;
const STATE = 'state';
const ACTIONS = 'staff';

/** Where the card stands: nobody owns it, someone does, or it is closed. */
export type CardState = { kind: 'open' } | { kind: 'owned'; owner: string } | { kind: 'closed'; by: string };

/** What the "diagnose again" button carries: the reference and whom to diagnose (no state is kept for it). */
export function diagnoseValue(reference: string, who: string, ip?: string): string {
  return JSON.stringify({ r: reference, t: encodeTarget({ who, ...(ip ? { ip } : {}) }) });
}

export function stateBlock(words: Wording, lang: Lang, state: CardState): KnownBlock {
  const text =
    state.kind === 'open' ? escapeMrkdwn(words.say(lang, 'card_unowned')) : state.kind === 'owned' ? escapeMrkdwn(words.say(lang, 'card_owner', { owner: '{owner}' })).replace('{owner}', `<@${state.owner}>`) : escapeMrkdwn(words.say(lang, 'card_closed', { staff: '{staff}' })).replace('{staff}', `<@${state.by}>`);
  return { type: 'context', block_id: STATE, elements: [{ type: 'mrkdwn', text }] };
}

function actions(words: Wording, lang: Lang, reference: string, t: Ticket): KnownBlock {
  const who = t.subject.user ?? t.subject.email;
  const button = (id: string, label: string, value: string, style?: 'primary' | 'danger') => ({
    type: 'button' as const,
    action_id: `staff:${id}`,
    value,
    text: { type: 'plain_text' as const, text: label.slice(0, 75) },
    ...(style ? { style } : {}),
  });
  return {
    type: 'actions',
    block_id: ACTIONS,
    elements: [
      button('claim', words.say(lang, 'card_claim'), reference, 'primary'),
      ...(who ? [button('diagnose', words.say(lang, 'card_diagnose'), diagnoseValue(reference, who, t.subject.ip))] : []),
      button('close', words.say(lang, 'card_close'), reference, 'danger'),
    ],
  };
}

/** The card of a new hand-over. */
export function renderCard(words: Wording, lang: Lang, reference: string, t: Ticket): { blocks: KnownBlock[]; text: string } {
  const title = words.say(lang, 'card_title', { reference });
  const findings = t.findings.map((f) => `${MARK[f.status]} ${escapeMrkdwn(f.summary)} \`${f.code}\``);
  const last = t.transcript.slice(-CARD_LAST_LINES);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
    ...(t.urgent ? sections(`:rotating_light: ${words.say(lang, 'card_urgent')}`) : []),
    ...sections(`${cardWho(words, lang, t)}\n${words.say(lang, 'card_where', { where: t.conversationId.split(':')[0] ?? '' })}`),
    { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(words.say(lang, 'card_findings'))}*\n${findings.length ? findings.join('\n').slice(0, 2800) : escapeMrkdwn(words.say(lang, 'card_no_findings'))}` } },
    ...(last.length ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: `*${escapeMrkdwn(words.say(lang, 'card_last_lines'))}*\n\`\`\`${escapeMrkdwn(last.join('\n')).slice(-2700)}\`\`\`` } }] : []),
    stateBlock(words, lang, { kind: 'open' }),
    actions(words, lang, reference, t),
  ];
  return { blocks, text: escapeMrkdwn(`${title}: ${cardWho(words, lang, t)}`) };
}

/** The card's blocks as they are, with the state line replaced; a closed card loses its buttons. */
export function withState(blocks: KnownBlock[], state: KnownBlock, closed: boolean): KnownBlock[] {
  return blocks.filter((b) => !(closed && b.type === 'actions' && b.block_id === ACTIONS)).map((b) => (b.type === 'context' && b.block_id === STATE ? state : b));
}

/** A follow-up in the card's thread: its note, then the lines it adds (the person's words). */
export function renderFollowUp(words: Wording, lang: Lang, t: Ticket): { blocks: KnownBlock[]; text: string } {
  const lines = t.transcript.slice(-CARD_LAST_LINES);
  const head = t.note ?? words.say(lang, 'staff_followup');
  const body = lines.map((l) => `> ${escapeMrkdwn(l)}`).join('\n');
  const text = `${escapeMrkdwn(head)}${body ? `\n${body}` : ''}`;
  return { blocks: splitText(text, 2900).map((piece) => ({ type: 'section', text: { type: 'mrkdwn', text: piece } })), text: escapeMrkdwn(head).slice(0, 300) };
}
