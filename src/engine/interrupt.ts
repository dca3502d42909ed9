// The one interruption hook: something answered in the middle of a topic (a question for the
// knowledge base, "I don't know that", "are you a bot?", a note about codes), after which the
// conversation goes back to what it was waiting for, saying so: "Back to where we were:" and the
// question again, at any question or prompt of any flow, with nothing written in the flow. At rest
// (the menu, an ended topic) there is nothing to go back to, and `atRest` says what comes next (the
// topics, by default); after a hand-over, nothing does.
import { menu, say } from './say.ts';
import { currentStep, repeat } from './walk.ts';
import type { Turn } from './turn.ts';

export function interrupt(t: Turn, answer: (t: Turn) => void, atRest: (t: Turn) => void = (x) => menu(x, 'menu_prompt')): true {
  answer(t);
  const step = currentStep(t);
  if (t.s.status === 'active' && (step?.kind === 'ask' || step?.kind === 'input')) {
    say(t, 'resume');
    repeat(t);
  } else if (t.s.status !== 'handed') atRest(t);
  return true;
}
