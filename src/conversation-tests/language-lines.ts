// Which language a line of the bot's is in, by the catalogue or flow message it was made from: a
// Swedish conversation must hold no line that exists only in English (and the other way round).
import { catalogues, type Lang } from '../i18n/index.ts';
import type { FlowSet } from '../flows/schema.ts';
import { LANGS } from '../ports/lang.ts';

interface Template {
  lang: Lang;
  re: RegExp;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(text: string): RegExp | undefined {
  const literal = text.replace(/\{[^}]+\}/g, '').trim();
  // A template that is mostly placeholders would match any line.
  if (literal.length < 8) return undefined;
  const parts = text.split(/\{[^}]+\}/).map(escape);
  return new RegExp(`^${parts.join('.+?')}$`, 's');
}

export class LanguageLines {
  private readonly templates: Template[] = [];

  constructor(flows: FlowSet) {
    const add = (lang: Lang, text: string) => {
      for (const line of text.split('\n')) {
        const re = compile(line.trim());
        if (re) this.templates.push({ lang, re });
      }
    };
    for (const lang of LANGS) {
      const c = catalogues[lang];
      for (const t of [...Object.values(c.system), ...Object.values(c.shared), ...Object.values(c.advice)]) if (t) add(lang, t);
    }
    for (const flow of flows.values()) {
      for (const lang of LANGS) {
        add(lang, flow.title[lang]);
        for (const m of Object.values(flow.messages)) add(lang, m[lang]);
      }
    }
  }

  /** The lines of `text` that only the other language has. */
  foreign(text: string, lang: Lang): string[] {
    const out: string[] = [];
    for (const raw of text.split('\n')) {
      const line = raw.replace(/^- /, '').trim();
      if (!line) continue;
      const langs = new Set(this.templates.filter((t) => t.re.test(line)).map((t) => t.lang));
      if (langs.size && !langs.has(lang)) out.push(line);
    }
    return out;
  }
}
