// An interruption: something answered in the middle of a topic (a question for the knowledge base,
// "I don't know that"), after which the conversation goes back to what it was waiting for, saying
// so: "Back to where we were:" and the question again. At rest (the menu, an ended topic) there is
// nothing to go back to, and `atRest` says what comes next; after a hand-over, nothing does.
import { say } from './say.ts';
import { currentStep, repeat } from './walk.ts';
import type { Turn } from './turn.ts';

export function resumeAfterInterruption(t: Turn, atRest: () => void): true {
  const step = currentStep(t);
  if (t.s.status === 'active' && (step?.kind === 'ask' || step?.kind === 'input')) {
    say(t, 'knowledge_resume');
    repeat(t);
  } else if (t.s.status !== 'handed') atRest();
  return true;
}
