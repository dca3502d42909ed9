// Runs one conversation test through the real engine and reports every expectation that failed,
// with the transcript, so a flow author sees what the bot said where it went wrong.
import type { Reply } from '../engine/replies.ts';
import type { FlowSet } from '../flows/schema.ts';
import type { Snapshot } from '../engine/snapshot.ts';
import type { CentreWords } from '../flows/words.ts';
import type { Understanding } from '../ports/understanding.ts';
import { durationMs, type ConversationTest, type Expect } from './format.ts';
import { Harness } from './harness.ts';
import { LanguageLines } from './language-lines.ts';
import { askedOf, handovers, slotMatches, slotsOf } from './observe.ts';
import { fillPlaceholders } from './placeholders.ts';

export interface ConversationWorld {
  flows: FlowSet;
  understanding: Understanding;
  words: CentreWords;
  lines: LanguageLines;
}

export function conversationWorld(flows: FlowSet, understanding: Understanding, words: CentreWords): ConversationWorld {
  return { flows, understanding, words, lines: new LanguageLines(flows) };
}

export interface TestOutcome {
  name: string;
  failures: string[];
  transcript: string[];
}

export function replyText(r: Reply): string {
  switch (r.kind) {
    case 'choices':
      return [...(r.stage ? [r.stage.label] : []), r.prompt, ...r.choices.map((c) => `- ${c.label}`)].join('\n');
    case 'link':
      return `${r.label}: ${r.url}`;
    case 'image':
      return r.alt;
    default:
      return r.text;
  }
}

/** `(?i)` at the start means case-insensitive, as the format says; the rest is JavaScript syntax. */
export function patternOf(source: string): RegExp {
  return source.startsWith('(?i)') ? new RegExp(source.slice(4), 'iu') : new RegExp(source, 'u');
}

const CODE_RUN = /(?<!\d)\d{6,8}(?!\d)/g;

/** What the run has seen so far, across turns. */
class Seen {
  checks = new Set<string>();
  codes = new Set<string>();
  answered = new Set<string>();
  lastKey = 'none';
}

export async function runConversationTest(world: ConversationWorld, test: ConversationTest): Promise<TestOutcome> {
  const harness = new Harness(world);
  const runner = await harness.start();
  const transcript: string[] = [];
  const failures: string[] = [];
  const seen = new Seen();
  const id = 'terminal:conversation-test';
  const options = { channel: 'terminal', ...(test.ip ? { subject: { ip: test.ip } } : {}) };
  try {
    const start = await runner.turn(id, { type: 'start' }, options);
    for (const r of start.replies) transcript.push(`bot: ${replyText(r)}`);
    for (const [i, turn] of test.turns.entries()) {
      harness.clock.advance(durationMs(turn.after, 20_000));
      const said = fillPlaceholders(turn.say, harness.clock.now());
      for (const c of said.match(CODE_RUN) ?? []) seen.codes.add(c);
      const before = await runner.peek(id);
      const ticketsBefore = handovers(harness.tickets.filed).length;
      const result = await runner.turn(id, { type: 'text', text: said }, options);
      const reply = result.replies.map(replyText).join('\n');
      transcript.push(`person: ${said}`, ...reply.split('\n').map((l) => `bot: ${l}`));
      for (const r of result.replies) if (r.kind === 'finding') seen.checks.add(r.code);
      const problems = [
        ...invariants(world, test, seen, before, result.snapshot, reply, ticketsBefore, harness),
        ...expectations(world, turn.expect ?? {}, seen, result.snapshot, reply, harness),
      ];
      for (const p of problems) failures.push(`turn ${i + 1} ("${turn.say}"): ${p}`);
    }
  } finally {
    await harness.stop();
  }
  return { name: test.name, failures, transcript };
}

function invariants(world: ConversationWorld, test: ConversationTest, seen: Seen, before: Snapshot | undefined, after: Snapshot, reply: string, ticketsBefore: number, harness: Harness): string[] {
  const out: string[] = [];
  for (const c of seen.codes) if (reply.includes(c)) out.push(`the reply repeats the code ${c} the person typed`);
  if (test.lang) for (const line of world.lines.foreign(reply, test.lang)) out.push(`a line not in ${test.lang}: "${line}"`);
  const { asked, key } = askedOf(after, world.flows);
  // A step answered (the conversation moved on from it) is not asked again in the same topic.
  if (before && before.flow !== after.flow) seen.answered.clear();
  if (seen.lastKey !== key && seen.lastKey !== 'none' && seen.lastKey !== 'menu') seen.answered.add(seen.lastKey);
  if (key !== seen.lastKey && seen.answered.has(key) && asked !== 'code') out.push(`asks again what was answered: ${key} (${asked})`);
  seen.lastKey = key;
  if (before && asked === 'username' && (before.subject.user || before.slots.username || before.slots.email)) out.push(`asks for the username, already given (${before.subject.user ?? before.slots.username?.v ?? before.slots.email?.v})`);
  if (before && asked === 'device_time' && (before.slots.deviceTime || before.measured)) out.push('asks for the phone\'s time, already given');
  if (before && asked === 'location' && (before.subject.ip || before.slots.inSweden?.v === false)) out.push('asks where the person is, already given');
  const filed = handovers(harness.tickets.filed);
  if (filed.length - ticketsBefore > 1) out.push(`${filed.length - ticketsBefore} tickets in one turn`);
  // An urgent ticket after one that was not (a takeover said after a hand-over) is a new matter.
  const escalated = filed.length > ticketsBefore && filed.at(-1)?.urgent === true && filed[ticketsBefore - 1]?.urgent === false;
  if (before?.status === 'handed' && filed.length > ticketsBefore && after.flow === before.flow && !escalated) out.push('a second ticket for the same hand-over (a follow-up should add to the open one)');
  return out;
}

function expectations(world: ConversationWorld, e: Expect, seen: Seen, s: Snapshot, reply: string, harness: Harness): string[] {
  const out: string[] = [];
  const { asked } = askedOf(s, world.flows);
  const topic = s.status === 'menu' || !s.flow ? 'none' : s.flow;
  if (e.topic !== undefined && e.topic !== topic) out.push(`topic: expected ${e.topic}, got ${topic}`);
  if (e.asked !== undefined && e.asked !== asked) out.push(`asked: expected ${e.asked}, got ${asked}`);
  for (const n of e.not_asked ?? []) if (n === asked) out.push(`not_asked: the bot asks for ${n}`);
  const slots = slotsOf(s);
  for (const [name, want] of Object.entries(e.slots ?? {})) {
    if (!slotMatches(name, want, slots[name])) out.push(`slots.${name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(slots[name])}`);
  }
  for (const c of e.checks ?? []) if (!seen.checks.has(c)) out.push(`checks: ${c} not reported (reported: ${[...seen.checks].join(', ') || 'none'})`);
  for (const c of e.no_checks ?? []) if (seen.checks.has(c)) out.push(`no_checks: ${c} was reported`);
  const filed = handovers(harness.tickets.filed);
  const last = filed.at(-1);
  if (e.tickets !== undefined && e.tickets !== filed.length) out.push(`tickets: expected ${e.tickets}, got ${filed.length}`);
  if (e.urgent !== undefined && (last?.urgent ?? false) !== e.urgent) out.push(`urgent: expected ${e.urgent}, got ${last ? last.urgent : 'no ticket'}`);
  if (e.ticket_account !== undefined) {
    const named = [last?.subject.user, last?.subject.email].filter(Boolean).map((x) => String(x).toLowerCase());
    if (!named.includes(e.ticket_account.toLowerCase())) out.push(`ticket_account: expected ${e.ticket_account}, the ticket names ${named.join(', ') || 'no account'}`);
  }
  const followUps = harness.tickets.filed.filter((t) => t.relatesTo);
  if (e.follow_ups !== undefined && e.follow_ups !== followUps.length) out.push(`follow_ups: expected ${e.follow_ups}, got ${followUps.length}`);
  if (e.solved !== undefined && (followUps.at(-1)?.solved ?? false) !== e.solved) out.push(`solved: expected ${e.solved}, the last follow-up says ${followUps.at(-1)?.solved ?? 'nothing'}`);
  for (const p of e.reply_has ?? []) if (!patternOf(p).test(reply)) out.push(`reply_has: /${p}/ does not match`);
  for (const p of e.reply_lacks ?? []) if (patternOf(p).test(reply)) out.push(`reply_lacks: /${p}/ matches`);
  const ended = (s.status === 'ended' || s.status === 'handed') && asked === 'none';
  if (e.ended !== undefined && e.ended !== ended) out.push(`ended: expected ${e.ended}, got ${ended} (status ${s.status})`);
  return [...out, ...outcomeExpectations(e, s)];
}

function outcomeExpectations(e: Expect, s: Snapshot): string[] {
  const out: string[] = [];
  const outcome = s.outcome ? `${s.outcome.kind}${s.outcome.how ? `:${s.outcome.how}` : ''}` : 'none';
  if (e.outcome !== undefined && e.outcome !== outcome) out.push(`outcome: expected ${e.outcome}, got ${outcome}`);
  const f = s.feedback;
  const feedback = f?.helpful !== undefined ? (f.helpful ? 'yes' : 'no') : f?.state === 'asked' ? 'asked' : 'none';
  if (e.feedback !== undefined && e.feedback !== feedback) out.push(`feedback: expected ${e.feedback}, got ${feedback}`);
  if (e.comment !== undefined && e.comment !== (f?.comment ?? '')) out.push(`comment: expected ${JSON.stringify(e.comment)}, got ${JSON.stringify(f?.comment ?? '')}`);
  return out;
}
