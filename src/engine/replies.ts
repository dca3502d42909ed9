// Platform-neutral replies. Each channel renders them in its own idiom.
import type { CheckStatus } from '../checks/catalogue.ts';
import type { InputKind } from './schema.ts';

export interface Choice {
  id: string;
  label: string;
}

export type Reply =
  /** `topic`: the title of the topic just started, a heading rather than something the bot asks. */
  | { kind: 'text'; text: string; notice?: boolean; topic?: boolean }
  | { kind: 'choices'; prompt: string; choices: Choice[] }
  | { kind: 'prompt'; text: string; input: InputKind }
  | { kind: 'finding'; check: string; status: CheckStatus; code: string; text: string }
  | { kind: 'link'; url: string; label: string }
  | { kind: 'image'; format: 'qr'; data: string; alt: string }
  | { kind: 'handover'; ticket: string | null; urgent: boolean; text: string };
