// What the account's facts answer when the person's words doubt them: "but the code is right?"
// (or a code typed) where the account or token already found says no code can work, and
// "activated?" / "väntar" about their own token, which is looked at again rather than explained
// in general. Both are heard at any prompt, before the prompt's own answer.
import { opensOf, parseOpening } from '../flows/intents.ts';
import { currentFlow, line, log, say } from './say.ts';
import { currentStep, enter, handoverFlow, repeat, startFlow } from './walk.ts';
import type { Turn } from './turn.ts';
import { catalogues } from '../i18n/index.ts';
import type { CheckCode } from '../checks/catalogue.ts';

/** Findings under which no code is accepted, however right it is: the code is not the problem. */
const NO_CODE_WORKS = new Set(['account.missing', 'account.inactive', 'token.none', 'token.disabled', 'token.locked', 'token.pending', 'token.pending-overdue']);

/**
 * "But the code is right?", or a code typed where no code was asked, after the facts showed that no
 * code can work: the person is told their code may well be right, and why it still cannot work
 * (the finding's own advice), then the question again. A code is never echoed nor checked.
 */
export function codeDoubtAnswered(t: Turn, text: string): boolean {
  if (t.s.status === 'handed' || t.s.flow === handoverFlow(t)) return false;
  const blocking = t.s.findings.find((f) => NO_CODE_WORKS.has(f.code));
  if (!blocking) return false;
  const step = currentStep(t);
  const atCode = t.s.status === 'active' && step?.kind === 'input' && step.input === 'code';
  const codeTyped = t.facts.codes > 0 && !atCode && !(step?.kind === 'ask' && step.code_given);
  if (!codeTyped && !t.env.understanding.says('code_right', text)) return false;
  const flow = currentFlow(t) ?? t.env.flows.get(t.s.topic ?? '');
  if (!flow) return false;
  log(t, 'u', text);
  say(t, 'code_not_the_problem');
  t.replies.push({ kind: 'text', text: line(t, flow, `advice.${blocking.code}`) });
  log(t, 'b', `advice.${blocking.code}`);
  repeat(t);
  return true;
}

/**
 * "Activated?", "väntar", "is it active yet?": the person asks how their own token stands. It is
 * looked up again (the topic `opens.intents.token_state` names, from its account check when the
 * username is known), not answered with what activation takes in general.
 */
export function tokenStateAsked(t: Turn, text: string): boolean {
  if (t.s.status === 'handed' || t.s.flow === handoverFlow(t) || !t.env.understanding.says('token_state', text)) return false;
  const opening = parseOpening(opensOf(t.env.flows, t.env.opens).intents.token_state);
  if (!opening) return false;
  const user = t.s.subject.user;
  // A choice of the question at hand that the words pick ("waiting" in the setup's steps, "I'll wait")
  // stays theirs; without a username, at rest too the words' own meaning decides.
  if (t.meaning?.action === 'choice' || (!user && t.s.status !== 'active')) return false;
  log(t, 'u', text);
  t.s.findings = t.s.findings.filter((f) => f.id !== 'token');
  const step = user ? opening.step : undefined;
  if (t.s.status !== 'active' || t.s.flow !== opening.flow || !step) return (startFlow(t, opening.flow, step), true);
  // Already in that topic: looked at again where it stands, without its title again.
  t.s.tries = {};
  enter(t, step);
  return true;
}

/**
 * A code typed at a question of another topic, where no code was asked for ("What happened to your
 * phone?" after a code complaint that was read as a phone problem): the person wants it checked.
 * The topic `opens.intents.code` names starts, the code held for its check; the account's facts
 * still lead there.
 */
export function codeTypedElsewhere(t: Turn): boolean {
  const step = currentStep(t);
  if (t.s.status !== 'active' || step?.kind !== 'ask' || step.code_given || t.facts.codes === 0 || !t.s.heldCode) return false;
  if (t.facts.wantsHuman || t.facts.takeover || t.facts.device) return false;
  const opening = parseOpening(opensOf(t.env.flows, t.env.opens).intents.code);
  if (!opening || opening.flow === t.s.flow) return false;
  log(t, 'u', '[code]');
  startFlow(t, opening.flow, opening.step);
  return true;
}

/** How bad a finding is, for which one's advice answers "what is wrong?". */
const SEVERITY = { fail: 3, warn: 2, unknown: 1, pass: 0 } as const;

/**
 * "So what is wrong then?", "vad är felet då?" once checks have run: what they found, each finding
 * again, and the advice for the worst of them; when everything passed, what is left that no check
 * can see. Then the question waiting again.
 */
export function foundRecalled(t: Turn, text: string): boolean {
  if (t.s.status === 'handed' || !t.s.findings.length || !t.env.understanding.says('what_wrong', text)) return false;
  const flow = currentFlow(t) ?? t.env.flows.get(t.s.topic ?? '');
  if (!flow) return false;
  log(t, 'u', text);
  say(t, 'found_so_far');
  const summary = catalogues[t.s.lang].summary;
  for (const f of t.s.findings) {
    const text = summary[f.code as CheckCode]?.(f.data);
    if (text) t.replies.push({ kind: 'finding', check: f.id, status: f.status, code: f.code, text });
  }
  const worst = [...t.s.findings].sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status])[0];
  if (worst && worst.status !== 'pass') {
    t.replies.push({ kind: 'text', text: line(t, flow, `advice.${worst.code}`) });
    log(t, 'b', `advice.${worst.code}`);
  } else say(t, 'found_all_fine');
  repeat(t);
  return true;
}
