// What a turn says and in which words: placeholders, the catalogues, the menu, the transcript log.
// Every sentence comes from the catalogues or a flow, in the conversation's one language.
import { catalogues, render, type Lang } from '../i18n/index.ts';
import { formatMinutes, type SystemKey } from '../i18n/catalogue.ts';
import { responseTime } from '../i18n/response-time.ts';
import { redactCodes } from './input.ts';
import { messageTemplate } from './messages.ts';
import type { Choice, Reply } from './replies.ts';
import type { Effect } from './events.ts';
import type { Flow, FlowSet, MessageRef } from './schema.ts';
import { TRANSCRIPT_LIMIT, type Snapshot } from './snapshot.ts';
import type { EngineEnv } from './env.ts';

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
    response_time: responseTime(w.response_time ?? '1wd', lang),
  });
}

export class Wording {
  readonly replies: Reply[] = [];
  effect?: Effect;

  constructor(
    readonly env: EngineEnv,
    readonly s: Snapshot,
  ) {}

  get lang(): Lang {
    return this.s.lang;
  }

  private cachedVars?: { user: string; findings: Snapshot['findings']; lang: Lang; values: Record<string, unknown> };

  /** Placeholder values; rebuilt only when the person, the findings or the language change. */
  vars(extra?: Record<string, unknown>): Record<string, unknown> {
    const user = this.s.subject.user ?? '';
    if (!this.cachedVars || this.cachedVars.user !== user || this.cachedVars.findings !== this.s.findings || this.cachedVars.lang !== this.lang) {
      const values: Record<string, unknown> = { ...wordsOf(this.env.words, this.lang), user };
      for (const f of this.s.findings) for (const [k, val] of Object.entries(f.data)) values[`check.${f.id}.${k}`] = val;
      // Durations in words, in the conversation's language.
      for (const [name, field] of DURATIONS) {
        const v = values[field];
        if (typeof v === 'number') values[name] = formatMinutes(v, this.lang);
      }
      this.cachedVars = { user, findings: this.s.findings, lang: this.lang, values };
    }
    return extra && Object.keys(extra).length > 0 ? { ...this.cachedVars.values, ...extra } : this.cachedVars.values;
  }

  sys(key: SystemKey, extra: Record<string, unknown> = {}): string {
    return render(catalogues[this.lang].system[key], this.vars(extra));
  }

  /** The first greeting: in the person's language when the channel knows it, else in both. */
  greet(): void {
    if (this.s.langFixed) return this.say('greeting');
    const other: Lang = this.lang === 'en' ? 'sv' : 'en';
    this.replies.push({ kind: 'text', text: `${this.sys('greeting')}\n${render(catalogues[other].system.greeting, this.vars())}` });
    this.log('b', 'sys:greeting');
  }

  log(who: 'u' | 'b', text: string): void {
    const t = this.s.transcript;
    // What a person writes may hold a code, typed anywhere: it never reaches a transcript or a ticket.
    t.push([Math.round((this.env.now - this.s.startedAt) / 1000), who, who === 'u' ? redactCodes(text) : text]);
    if (t.length > TRANSCRIPT_LIMIT) t.splice(0, t.length - TRANSCRIPT_LIMIT);
  }

  say(key: SystemKey, extra: Record<string, unknown> = {}, notice = false): void {
    const text = this.sys(key, extra);
    // The same sentence twice in a row says nothing new.
    const last = this.replies.at(-1);
    if (last?.kind === 'text' && last.text === text) return;
    this.replies.push({ kind: 'text', text, ...(notice ? { notice } : {}) });
    this.log('b', `sys:${key}`);
  }

  flow(): Flow | undefined {
    return this.s.flow ? this.env.flows.get(this.s.flow) : undefined;
  }

  text(flow: Flow, ref: MessageRef): string {
    return render(messageTemplate(flow, ref, this.lang) ?? String(ref), this.vars());
  }

  topics(): Choice[] {
    return topicsOf(this.env.flows, this.lang);
  }

  menu(promptKey: SystemKey): void {
    this.s.status = 'menu';
    this.s.flow = null;
    this.s.step = null;
    this.replies.push({ kind: 'choices', prompt: this.sys(promptKey), choices: this.topics() });
    this.log('b', `sys:${promptKey}`);
  }
}
