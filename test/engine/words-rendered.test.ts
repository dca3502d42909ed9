// Words people can read: every step of every flow in flows/, in English and Swedish, run through the
// real engine (placed at the step, then each of its choices taken), and every output checked for a
// catalogue key left unrendered: what the chat shows, the tickets filed (their transcript and the mail
// that carries them), and the person's transcript as `privacy export` gives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketSubject, ticketText } from '../../src/adapters/ticket-text.ts';
import { Harness } from '../../src/conversation-tests/harness.ts';
import { TEST_WORDS } from '../../src/conversation-tests/suite.ts';
import type { ConversationRunner } from '../../src/engine/runner.ts';
import { newSnapshot, type Snapshot } from '../../src/engine/snapshot.ts';
import { renderTranscript } from '../../src/engine/transcript.ts';
import { loadFlowsOrThrow } from '../../src/flows/loader.ts';
import type { FlowSet } from '../../src/flows/schema.ts';
import { catalogues, type Lang } from '../../src/i18n/index.ts';
import type { Reply } from '../../src/ports/conversations.ts';
import { trainUnderstanding } from '../../src/understanding/training.ts';
import { ROOT } from '../helpers/cli.ts';
import path from 'node:path';
import { LANGS } from '../../src/ports/lang.ts';

const { flows, intents } = loadFlowsOrThrow(path.join(ROOT, 'flows'));

/** What a stored transcript line or a message reference looks like when it was never put into words. */
function keyPatterns(set: FlowSet): Array<{ why: string; test: (line: string) => boolean }> {
  const steps = new Set([...set.values()].flatMap((f) => Object.keys(f.steps).map((s) => `${f.id}/${s}`)));
  const messageKeys = new Set([...set.values()].flatMap((f) => Object.keys(f.messages ?? {})));
  const systemKeys = new Set(Object.keys(catalogues.en.system));
  return [
    { why: 'a stored reference (sys:, chk:, kb:, facts:, flow:, took:, choice:)', test: (l) => /(^|[\s:])(sys|chk|kb|facts|flow|took|choice):[a-z]/.test(l) },
    { why: 'a flow step reference', test: (l) => l.split(/[\s[\]()"',.]+/).some((w) => steps.has(w)) },
    { why: 'a placeholder left in', test: (l) => /\{[a-z_.]+\}/.test(l) },
    { why: 'a message or catalogue key said alone', test: (l) => [messageKeys, systemKeys].some((keys) => keys.has(l.replace(/^\d\d:\d\d (bot|person): /, '').replace(/^\[|\]$/g, '').trim())) },
  ];
}

function replyTexts(replies: Reply[]): string[] {
  return replies.flatMap((r) => {
    switch (r.kind) {
      case 'text':
      case 'prompt':
      case 'finding':
      case 'handover':
        return [r.text];
      case 'choices':
        return [r.prompt, ...r.choices.map((c) => c.label)];
      case 'link':
        return [r.label];
      case 'image':
        return [r.alt];
    }
  });
}

let harness: Harness;
let runner: ConversationRunner;

beforeAll(async () => {
  harness = new Harness({ flows, understanding: trainUnderstanding(flows, intents), words: TEST_WORDS });
  runner = await harness.start();
}, 60_000);

afterAll(async () => {
  await harness?.stop();
});

let serial = 0;

/** A conversation placed at `flow/step`, about a demo user, in `lang`. */
async function placedAt(flow: string, step: string, lang: Lang): Promise<string> {
  const at = harness.clock.now();
  // What the checks before it found, as a conversation that reached the step has it.
  const findings: Snapshot['findings'] = [
    { id: 'account', status: 'pass', code: 'account.found', data: { username: 'alice', status: 'active' }, at },
    { id: 'clock', status: 'fail', code: 'clock.skewed', data: { offsetSeconds: -94, reference: 'ntp', direction: 'behind', amount: 94 }, at },
  ];
  const s: Snapshot = { ...newSnapshot(`walk:${++serial}`, at, { lang, subject: { user: 'alice' } }), status: 'active', flow, step, findings };
  await harness.store!.save(s, 0);
  return s.id;
}

/** Everything a person or staff reads from one walk: the chat, the tickets and their mail, the export. */
async function outputs(id: string, replies: Reply[], ticketsBefore: number): Promise<Array<{ where: string; line: string }>> {
  const out = replyTexts(replies).map((line) => ({ where: 'chat', line }));
  for (const t of harness.tickets.filed.slice(ticketsBefore)) {
    out.push(...t.transcript.map((line) => ({ where: 'ticket', line })));
    out.push(...[ticketSubject('HD-TEST', t, 'UPPMAX'), ...ticketText('HD-TEST', t).split('\n')].map((line) => ({ where: 'mail', line })));
  }
  const s = await runner.peek(id);
  if (s) out.push(...renderTranscript(flows, TEST_WORDS, s, s.lang, 'person').map((line) => ({ where: 'export', line })));
  return out;
}

describe('no catalogue key reaches anyone', () => {
  const patterns = keyPatterns(flows);

  it('the check finds a key when one is there (it can fail)', () => {
    const flow = [...flows.values()][0]!;
    const step = Object.keys(flow.steps)[0]!;
    for (const bad of [`00:01 bot: ${flow.id}/${step}`, 'sys:menu_prompt', '00:02 bot: menu_prompt', 'Visit {support_url}', `bot: ${flow.id}/${step}.`]) {
      expect(patterns.some((p) => p.test(bad)), bad).toBe(true);
    }
    expect(patterns.some((p) => p.test('00:03 bot: Open https://suprintegration.uppmax.uu.se/bootstrapotp/ and sign in.'))).toBe(false);
  });

  for (const lang of LANGS) {
    it(`every step of every flow, each choice taken, in ${lang}: chat, ticket, mail and export`, async () => {
      const found: string[] = [];
      let walked = 0;
      for (const flow of flows.values()) {
        for (const [stepId, step] of Object.entries(flow.steps)) {
          const choices = step.kind === 'ask' ? Object.keys(step.choices) : [undefined];
          for (const choice of choices) {
            const before = harness.tickets.filed.length;
            const id = await placedAt(flow.id, stepId, lang);
            const replies = [...(await runner.turn(id, { type: 'repeat' })).replies];
            if (choice) replies.push(...(await runner.turn(id, { type: 'choice', id: choice })).replies);
            walked++;
            for (const { where, line } of await outputs(id, replies, before)) {
              for (const p of patterns) if (p.test(line)) found.push(`${flow.id}/${stepId}${choice ? ` → ${choice}` : ''} (${where}): ${p.why}: ${line}`);
            }
          }
        }
      }
      expect(walked).toBeGreaterThan(100);
      expect(harness.tickets.filed.length).toBeGreaterThan(0);
      expect(found).toEqual([]);
    }, 240_000);
  }
});
