// The knowledge base as data: the shipped entries are valid and cover what the centre's page says;
// a broken entry is reported with its file and key; and the matcher tells a question from a
// problem report, so the base answers the one and leaves the other to its topic.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knowledgeOf, loadKnowledge, registerKnowledge } from '../../src/flows/knowledge.ts';
import { knowledgeMatcherOf, knowledgeProblems } from '../../src/understanding/knowledge-match.ts';
import { factRuleProblems } from '../../src/understanding/fact-rules.ts';
import { flows } from '../helpers/engine.ts';

const root = path.join(import.meta.dirname, '../..');

describe('the shipped knowledge base', () => {
  const { knowledge } = knowledgeOf(flows);

  it('is valid, and every entry cites a configured address and belongs to a topic or to none', () => {
    expect(loadKnowledge(path.join(root, 'flows/knowledge'), flows).problems).toEqual([]);
    expect(factRuleProblems(flows)).toEqual([]);
    expect(knowledgeProblems(flows)).toEqual([]);
    expect(knowledge.size).toBeGreaterThanOrEqual(15);
    for (const e of knowledge.values()) {
      expect(e.answer.en + e.answer.sv, e.id).not.toMatch(/https?:\/\//);
      if (e.topic) expect(flows.get(e.topic)?.topic, e.id).toBe(true);
    }
  });

  it('answers what the centre\'s page covers', () => {
    for (const id of ['why_two_factor', 'who_needs_it', 'which_app', 'what_is_supr', 'prove_my_identity', 'activation_time', 'confirmation_mail', 'no_sms', 'new_or_lost_phone', 'first_or_current_code', 'clock', 'no_smartphone', 'one_token', 'support']) {
      expect(knowledge.has(id), id).toBe(true);
    }
  });
});

describe('a broken entry', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'knowledge-'));
  const questions = (n: number) => ({ en: Array.from({ length: n }, (_, i) => `question number ${i}?`), sv: Array.from({ length: n }, (_, i) => `fråga nummer ${i}?`) });
  const write = (name: string, entry: object) => writeFileSync(path.join(dir, name), JSON.stringify(entry));
  write('linked.yaml', { id: 'linked', source: 'support_url', questions: questions(5), answer: { en: 'See https://example.org/', sv: 'Se {nowhere}' } });
  write('misnamed.yaml', { id: 'other', topic: 'no_such_topic', source: 'support_url', questions: { ...questions(5), sv: ['en fråga?'] }, answer: { en: 'x', sv: 'y' } });
  write('unsourced.yaml', { id: 'unsourced', source: 'https://example.org/', questions: questions(5), answer: { en: 'x', sv: 'y' } });
  write('overcovering.yaml', { id: 'overcovering', topic: 'need_two_factor', covers: ['rule', 'no_such_message'], source: 'support_url', questions: questions(5), answer: { en: 'x', sv: 'y' } });
  const { problems } = loadKnowledge(dir, flows);
  const of = (file: string) => problems.filter((p) => p.file.endsWith(file)).map((p) => `${p.key}: ${p.message}`);

  it('is reported with its file and key: an address in the text, an unknown placeholder, topic or source, too few questions, a question another entry has', () => {
    expect(of('linked.yaml')).toEqual([expect.stringMatching(/^answer\.en: an address in the text/), expect.stringMatching(/^answer\.sv: unknown placeholder \{nowhere\}/)]);
    expect(of('misnamed.yaml')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^id: the id must be the file's name/), expect.stringMatching(/^topic: no topic "no_such_topic"/), expect.stringMatching(/^questions\.sv: at least 5/)]),
    );
    expect(of('unsourced.yaml')).toEqual([expect.stringMatching(/^source: /)]);
    // A message the answer covers must be one of its topic's.
    expect(of('overcovering.yaml')).toEqual(['covers: no message "no_such_message" in the topic need_two_factor']);
  });
});

describe('one question under two entries', () => {
  it('is a problem: the matcher could give either answer', () => {
    const base = knowledgeOf(flows);
    const which = base.knowledge.get('which_app')!;
    const copy = new Map(flows);
    registerKnowledge(copy, { ...base, knowledge: new Map([...base.knowledge, ['twin', { ...which, id: 'twin', file: 'twin.yaml', questions: { en: ['Which app should I use?'], sv: [] } }]]) });
    expect(knowledgeProblems(copy)).toEqual([expect.objectContaining({ file: 'twin.yaml', key: 'questions.en', message: expect.stringMatching(/is also a question of which_app/) })]);
  });
});

describe('a question, not a problem report', () => {
  const matcher = knowledgeMatcherOf(flows)!;

  it('is answered by its entry, in either language, typed as people type', () => {
    expect(matcher.match('which app should I use?')).toMatchObject({ kind: 'answer', id: 'which_app' });
    expect(matcher.match('vilken app ska jag använda?')).toMatchObject({ kind: 'answer', id: 'which_app' });
    expect(matcher.match('wat is supr')).toMatchObject({ kind: 'answer', id: 'what_is_supr' });
    expect(matcher.match('hur lang tid tar aktiveringen')).toMatchObject({ kind: 'answer', id: 'activation_time' });
  });

  it('leaves a problem report to its topic, even put as a question; a what-if stays a question', () => {
    for (const text of ['my code is not accepted', 'why is my code not accepted?', 'min kod godtas inte', 'varför står det fel kod?', 'can you reset my second factor']) expect(matcher.match(text), text).toBeUndefined();
    expect(matcher.match('what happens if I lose my phone?')).toMatchObject({ kind: 'answer', id: 'new_or_lost_phone' });
  });

  it('that no entry answers is "unknown", never the nearest answer', () => {
    expect(matcher.match('can I use a passkey?')).toMatchObject({ kind: 'unknown' });
  });
});
