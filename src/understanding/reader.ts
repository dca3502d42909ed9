// The Understanding the engine asks about every message: its language (language.ts), its facts
// (hear.ts, the extractors), its meaning where the conversation stands (interpret.ts, over a ranker
// trained from the flows) and what it says by its words alone (phrases.yaml). One object, one port.
import type { Lang } from '../i18n/index.ts';
import type { Guess, KnowledgeHit, Label, Meaning, Position, Ranker, Saying, Understanding } from '../ports/understanding.ts';
import { consultKnowledge } from './knowledge-consult.ts';
import { knowledgeMatcherOf } from './knowledge-match.ts';
import type { FlowSet, Opens } from '../flows/schema.ts';
import { hear, type Extraction } from './hear.ts';
import { identifyLanguage } from './language.ts';
import { interpret } from './interpret.ts';
import { isCancel, isClosing, isSolved, isThanks, isWaitQuestion, phrase, saysThanks, type PhraseTest } from './phrases.ts';
import { factIn, factRulesOf } from './fact-rules.ts';

const SAYINGS: Record<Saying, PhraseTest> = {
  closing: isClosing,
  thanks: isThanks,
  wait_question: isWaitQuestion,
  news_question: (text) => phrase('news_question')(text),
  next_question: (text) => phrase('next_question')(text),
  solved: isSolved,
  thanks_word: saysThanks,
  cancel: isCancel,
  repeat: (text) => phrase('repeat')(text),
  chitchat: (text) => phrase('chitchat')(text),
  done: (text) => phrase('done')(text),
  polite_answer: (text) => phrase('polite_answer')(text),
  correction: (text) => phrase('correction')(text),
  unsure: (text) => phrase('unsure')(text),
  code_right: (text) => phrase('code_right')(text),
  token_state: (text) => phrase('token_state')(text),
  what_wrong: (text) => phrase('what_wrong')(text),
};

export class MessageReader implements Understanding {
  constructor(
    private readonly ranker: Ranker,
    private readonly flows: FlowSet,
    private readonly opens?: Opens,
  ) {}

  /** How many examples the ranker learnt from, when it says. */
  get size(): number | undefined {
    return (this.ranker as { size?: number }).size;
  }

  rank(text: string, allowed: (label: Label) => boolean, limit?: number): Guess[] {
    return this.ranker.rank(text, allowed, limit);
  }

  language(text: string) {
    return identifyLanguage(text);
  }

  facts(text: string, lang?: Lang): Extraction {
    return hear(text, lang, this.flows);
  }

  knowledge(text: string, at: Position, meaning: Meaning): KnowledgeHit | undefined {
    const c = consultKnowledge(this.flows, at, text, meaning);
    if (!c) return undefined;
    return c.kind === 'answer' ? { kind: 'answer', entry: c.entry.id, score: c.score, ...(c.also.length ? { also: c.also.map((e) => e.id) } : {}), ...(c.opens ? { opens: true } : {}) } : c;
  }

  besideReport(text: string): { report: string; entries: string[] } | undefined {
    return knowledgeMatcherOf(this.flows)?.besideReport(text);
  }

  meaning(text: string, at: Position): Meaning {
    return interpret({ flows: this.flows, understanding: this.ranker, ...(this.opens ? { opens: this.opens } : {}) }, at, text);
  }

  says(saying: Saying, text: string): boolean {
    // A turn asks about its one message more than once ("thanks?" before the knowledge base, at the
    // prompt and in the act): the last message's answers are kept.
    if (this.saidOf !== text) {
      this.saidOf = text;
      this.said.clear();
    }
    let said = this.said.get(saying);
    if (said === undefined) this.said.set(saying, (said = this.decideSays(saying, text)));
    return said;
  }

  private saidOf: string | undefined;
  private readonly said = new Map<Saying, boolean>();

  private decideSays(saying: Saying, text: string): boolean {
    const said = SAYINGS[saying](text);
    // Thanks followed by content is content: "ok tack. min kod funkar inte" is about the code.
    if (said && (saying === 'thanks' || saying === 'thanks_word')) return !this.contentAfterThanks(text);
    return said;
  }

  /** After the last clause that thanks, a clause that gives a fact, reports a problem or asks something. */
  private contentAfterThanks(text: string): boolean {
    const clauses = text.split(/[.!?;,:\n]+|\s(?:but|men|although)\s/i).map((c) => c.trim()).filter(Boolean);
    let last = -1;
    clauses.forEach((c, i) => {
      if (saysThanks(c)) last = i;
    });
    const rest = clauses.slice(last + 1).join('. ');
    if (last < 0 || !rest) return false;
    const f = hear(rest, undefined, this.flows);
    if (f.username || f.email || f.codes > 0 || f.device || f.deviceTime || f.wantsHuman || f.takeover || f.outOfScope) return true;
    const rules = factRulesOf(this.flows);
    return (['problem_report', 'question'] as const).some((name) => {
      const rule = rules.get(name);
      return rule !== undefined && factIn(rule, rest) !== undefined;
    });
  }
}
