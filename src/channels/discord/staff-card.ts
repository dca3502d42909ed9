// A hand-over as the Discord staff channel shows it: one message whose embed holds who, what the bot
// found and the last lines (its footer the reference, by which the card is found again), whose text
// says where it stands (nobody owns it, who does, who closed it), and whose buttons claim, diagnose
// again and close. A follow-up is an embed in the card's thread. Staff read it in STAFF_LANG.
import { ButtonStyle, ComponentType, type APIEmbed } from 'discord.js';
import type { Wording } from '../../ports/catalogue.ts';
import type { Lang } from '../../ports/lang.ts';
import type { Ticket } from '../../ports/tickets.ts';
import { MARKS } from '../shared/checklist.ts';
import { encodeTarget } from '../shared/diagnostic.ts';
import { splitText } from '../shared/split-text.ts';
import { CARD_LAST_LINES, cardWho } from '../shared/staff-thread.ts';
import { safeText } from './render.ts';

/** Discord's limits: an embed's description and a field's value, a thread's name. */
const DESCRIPTION = 4000;
const FIELD = 1000;
const THREAD_NAME = 100;
const URGENT = 0xd83c3e;
const OPEN = 0x5865f2;

/** Where the card stands; `owner` and `by` are the staff member's display name (never a mention). */
export type CardState = { kind: 'open' } | { kind: 'owned'; owner: string } | { kind: 'closed'; by: string };

export interface CardPayload {
  content: string;
  embeds: APIEmbed[];
  components: Array<{ type: ComponentType.ActionRow; components: Array<{ type: ComponentType.Button; style: ButtonStyle; label: string; custom_id: string }> }>;
  allowedMentions: { parse: [] };
}

/** A button's custom id: `staff:<what>:<reference>`. */
export const staffButton = (what: 'claim' | 'close', reference: string) => `staff:${what}:${reference}`;

/** "Diagnose again" carries whom to diagnose (no state is kept for it): `staff:diagnose:<reference>:<target>`; none past Discord's 100 characters. */
export function diagnoseId(reference: string, t: Ticket): string | undefined {
  const who = t.subject.user ?? t.subject.email;
  if (!who) return undefined;
  const id = (target: Parameters<typeof encodeTarget>[0]) => `staff:diagnose:${reference}:${Buffer.from(encodeTarget(target)).toString('base64url')}`;
  return [id({ who, ...(t.subject.ip ? { ip: t.subject.ip } : {}) }), id({ who })].find((x) => x.length <= 100);
}

/** The "diagnose again" id on a card as Discord has it (kept when its state changes). */
export function diagnoseIdOf(card: { components: Array<{ toJSON(): unknown }> }): string | undefined {
  return /"(staff:diagnose:[^"]+)"/.exec(JSON.stringify(card.components.map((c) => c.toJSON())))?.[1];
}

export function stateLine(words: Wording, lang: Lang, state: CardState): string {
  if (state.kind === 'open') return safeText(words.say(lang, 'card_unowned'));
  if (state.kind === 'owned') return safeText(words.say(lang, 'card_owner', { owner: state.owner }));
  return safeText(words.say(lang, 'card_closed', { staff: state.by }));
}

/** The card's text and buttons as they are in `state` (a closed card has none). */
export function cardState(words: Wording, lang: Lang, reference: string, state: CardState, diagnose: string | undefined): Pick<CardPayload, 'content' | 'components' | 'allowedMentions'> {
  const button = (id: string, style: ButtonStyle, label: string) => ({ type: ComponentType.Button as const, style, label: label.slice(0, 80), custom_id: id });
  const buttons = [
    button(staffButton('claim', reference), ButtonStyle.Primary, words.say(lang, 'card_claim')),
    ...(diagnose ? [button(diagnose, ButtonStyle.Secondary, words.say(lang, 'card_diagnose'))] : []),
    button(staffButton('close', reference), ButtonStyle.Danger, words.say(lang, 'card_close')),
  ];
  return { content: stateLine(words, lang, state), components: state.kind === 'closed' ? [] : [{ type: ComponentType.ActionRow, components: buttons }], allowedMentions: { parse: [] } };
}

/** The card of a new hand-over. */
export function renderCard(words: Wording, lang: Lang, reference: string, t: Ticket): CardPayload {
  const findings = t.findings.map((f) => `${MARKS.discord[f.status]} ${safeText(f.summary)} \`${f.code}\``).join('\n');
  const last = t.transcript.slice(-CARD_LAST_LINES).join('\n');
  const description = [
    ...(t.urgent ? [`**${safeText(words.say(lang, 'card_urgent'))}**`] : []),
    safeText(cardWho(words, lang, t)),
    safeText(words.say(lang, 'card_where', { where: t.conversationId.split(':')[0] ?? '' })),
  ].join('\n');
  const embed: APIEmbed = {
    title: words.say(lang, 'card_title', { reference }).slice(0, 256),
    description: description.slice(0, DESCRIPTION),
    color: t.urgent ? URGENT : OPEN,
    fields: [
      { name: words.say(lang, 'card_findings').slice(0, 256), value: (findings || safeText(words.say(lang, 'card_no_findings'))).slice(0, FIELD) },
      ...(last ? [{ name: words.say(lang, 'card_last_lines').slice(0, 256), value: `\`\`\`\n${last.replace(/`/g, "'").slice(-(FIELD - 8))}\n\`\`\`` }] : []),
    ],
    footer: { text: reference },
  };
  return { ...cardState(words, lang, reference, { kind: 'open' }, diagnoseId(reference, t)), embeds: [embed] };
}

/** The name of the card's thread. */
export const threadName = (words: Wording, lang: Lang, reference: string) => words.say(lang, 'card_title', { reference }).slice(0, THREAD_NAME);

/** A follow-up in the card's thread: its note, then the lines it adds; its footer is its own reference. */
export function renderFollowUp(words: Wording, lang: Lang, reference: string, t: Ticket): { embeds: APIEmbed[]; allowedMentions: { parse: [] } } {
  const head = safeText(t.note ?? words.say(lang, 'staff_followup'));
  const body = t.transcript.slice(-CARD_LAST_LINES).map((l) => `> ${safeText(l)}`).join('\n');
  const pieces = splitText(`${head}${body ? `\n${body}` : ''}`, DESCRIPTION).slice(0, 10);
  return { embeds: pieces.map((description, i) => ({ description, ...(i === pieces.length - 1 ? { footer: { text: reference } } : {}) })), allowedMentions: { parse: [] } };
}
