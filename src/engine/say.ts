// What a turn says and in which words: placeholders, the catalogues, the menu, the transcript log.
// Every sentence comes from the catalogues or a flow, in the conversation's one language.
import { catalogues, render, type Lang } from '../i18n/index.ts';
import { formatMinutes, type SystemKey } from '../i18n/catalogue.ts';
import { responseTime } from '../i18n/response-time.ts';
import { redactCodes } from '../understanding/input.ts';
import { messageTemplate } from '../flows/messages.ts';
import { variantOf } from '../checks/catalogue.ts';
import type { Choice } from './replies.ts';
import type { Flow, FlowSet, MessageRef } from '../flows/schema.ts';
import { TRANSCRIPT_LIMIT, USER_TEXT_LIMIT, type Snapshot } from './snapshot.ts';
import type { EngineEnv } from './env.ts';
import type { Turn } from './turn.ts';

const DURATIONS: Array<[string, string]> = [
  ['check.token.since', 'check.token.minutesSinceRegistration'],
  ['check.token.tryIn', 'check.token.tryInMinutes'],
  ['check.token.overdueIn', 'check.token.overdueInMinutes'],
];

const topicCache = new WeakMap<FlowSet, Record<Lang, Choice[]>>();

export function topicsOf(flows: FlowSet, lang: Lang): Choice[] {
  let cached = topicCache.get(flows);
  if (!cached) {
    const sorted = [...flows.values()].filter((f) => f.topic).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
    cached = {
      en: sorted.map((f) => ({ id: f.id, label: f.title.en })),
      sv: sorted.map((f) => ({ id: f.id, label: f.title.sv })),
    };
    topicCache.set(flows, cached);
  }
  return cached[lang];
}

// The centre's words with their defaults, per language: the same for every turn of a process.
const wordsCache = new WeakMap<EngineEnv['words'], Partial<Record<Lang, Record<string, unknown>>>>();

function wordsOf(w: EngineEnv['words'], lang: Lang): Record<string, unknown> {
  let byLang = wordsCache.get(w);
  if (!byLang) wordsCache.set(w, (byLang = {}));
  return (byLang[lang] ??= {
    ...w,
    password_help_url: w.password_help_url ?? `${w.public_url.replace(/\/$/, '')}/support`,
    status_url: w.status_url ?? `${w.public_url.replace(/\/$/, '')}/support`,
    setup_guide_url: w.setup_guide_url ?? w.support_url,
    response_time: responseTime(w.response_time ?? '1wd', lang),
  });
}

/** The placeholder values of the last turn: the next turn of a conversation mostly has the same. */
let lastVars: { words: EngineEnv['words']; cached: NonNullable<Turn['cachedVars']> } | undefined;

/** The same findings: a turn copies the list, never a finding (they are replaced, never edited). */
const sameFindings = (a: Snapshot['findings'], b: Snapshot['findings']) => a === b || (a.length === b.length && a.every((f, i) => f === b[i]));

/** Placeholder values (never changed by a caller); rebuilt only when the person, the findings or the language change. */
export function vars(t: Turn): Record<string, unknown> {
  const user = t.s.subject.user ?? '';
  if (!t.cachedVars || t.cachedVars.user !== user || t.cachedVars.findings !== t.s.findings || t.cachedVars.lang !== t.s.lang) {
    const last = lastVars?.words === t.env.words ? lastVars.cached : undefined;
    if (last && last.user === user && last.lang === t.s.lang && sameFindings(last.findings, t.s.findings)) {
      t.cachedVars = { ...last, findings: t.s.findings };
    } else {
      const values: Record<string, unknown> = { ...wordsOf(t.env.words, t.s.lang), user };
      for (const f of t.s.findings) for (const [k, val] of Object.entries(f.data)) values[`check.${f.id}.${k}`] = val;
      // Durations in words, in the conversation's language.
      for (const [name, field] of DURATIONS) {
        const v = values[field];
        if (typeof v === 'number') values[name] = formatMinutes(v, t.s.lang);
      }
      t.cachedVars = { user, findings: t.s.findings, lang: t.s.lang, values };
    }
    lastVars = { words: t.env.words, cached: t.cachedVars };
  }
  return t.cachedVars.values;
}

export function sys(t: Turn, key: SystemKey, extra?: Record<string, unknown>): string {
  return render(catalogues[t.s.lang].system[key], vars(t), extra);
}

/** The first greeting: in the person's language when the channel knows it, else in both. */
export function greet(t: Turn): void {
  if (t.s.langFixed) return say(t, 'greeting');
  const other: Lang = t.s.lang === 'en' ? 'sv' : 'en';
  t.replies.push({ kind: 'text', text: `${sys(t, 'greeting')}\n${render(catalogues[other].system.greeting, vars(t))}` });
  log(t, 'b', 'sys:greeting');
}

export function log(t: Turn, who: 'u' | 'b', text: string): void {
  const lines = t.s.transcript;
  // What a person writes may hold a code, typed anywhere: it never reaches a transcript or a ticket.
  // Redacted before it is cut to length, so a code at the limit leaves none of its digits.
  lines.push([Math.round((t.env.now - t.s.startedAt) / 1000), who, who === 'u' ? redactCodes(text).slice(0, USER_TEXT_LIMIT) : text]);
  if (lines.length > TRANSCRIPT_LIMIT) lines.splice(0, lines.length - TRANSCRIPT_LIMIT);
}

export function say(t: Turn, key: SystemKey, extra: Record<string, unknown> = {}, notice = false): void {
  const text = sys(t, key, extra);
  // The same sentence twice in a row says nothing new.
  const last = t.replies.at(-1);
  if (last?.kind === 'text' && last.text === text) return;
  t.replies.push({ kind: 'text', text, ...(notice ? { notice } : {}) });
  log(t, 'b', `sys:${key}`);
}

export function currentFlow(t: Turn): Flow | undefined {
  return t.s.flow ? t.env.flows.get(t.s.flow) : undefined;
}

export function line(t: Turn, flow: Flow, ref: MessageRef): string {
  const own = adviceForFinding(t, ref);
  return render(messageTemplate(flow, own, t.s.lang, t.s.slots.platform?.v) ?? String(ref), vars(t));
}

/** Advice for what was found, in its variant when it has one ("expired", not just "not active"). */
function adviceForFinding(t: Turn, ref: MessageRef): MessageRef {
  if (typeof ref !== 'string' || !ref.startsWith('advice.')) return ref;
  const code = ref.slice('advice.'.length);
  const found = t.s.findings.find((f) => f.code === code);
  const variant = found ? variantOf(found) : undefined;
  return variant ? `advice.${variant}` : ref;
}

export function topics(t: Turn): Choice[] {
  return topicsOf(t.env.flows, t.s.lang);
}

export function menu(t: Turn, promptKey: SystemKey): void {
  t.s.status = 'menu';
  t.s.flow = null;
  t.s.step = null;
  t.replies.push({ kind: 'choices', prompt: sys(t, promptKey), choices: topics(t) });
  log(t, 'b', `sys:${promptKey}`);
}
