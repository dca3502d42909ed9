// The shape of a flow file (zod). The graph rules (reachability, handled outcomes, known targets and
// placeholders) live in validate.ts; this file only says what a well-formed step looks like.
import { z } from 'zod';
import { CHECK_IDS } from '../checks/catalogue.ts';
import { PICTURES } from '../ports/conversations.ts';

const ID = /^[a-z][a-z0-9_]*$/;
export const END = 'end';

export const Text = z.strictObject({
  en: z.string().trim().min(1, 'the English text is empty'),
  sv: z.string().trim().min(1, 'the Swedish text is empty'),
});
export type Text = z.infer<typeof Text>;

/** What people type, in both languages: the understanding is trained on these. */
export const Examples = z.strictObject({
  en: z.array(z.string().trim().min(1)).default([]),
  sv: z.array(z.string().trim().min(1)).default([]),
});
export type Examples = z.infer<typeof Examples>;

/** A message: a key (of the flow's `messages`, the shared catalogue, or `advice.<code>`) or inline text. */
export const MessageRef = z.union([z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'a message key (snake_case)'), Text]);
export type MessageRef = z.infer<typeof MessageRef>;

const Target = z.string().regex(ID, 'a step id in snake_case, or "end"');
const StepId = z.string().regex(ID, 'a step id in snake_case');

export const INPUT_KINDS = ['username', 'code', 'device_time', 'ip', 'text'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

/** A flow id, or `flow/step` to start a topic at a later step (the answer to its question is known). */
const Opening = z.string().regex(/^[a-z][a-z0-9_]*(\/[a-z][a-z0-9_]*)?$/, 'a flow id, or flow/step');

/**
 * Before a question is asked, the account's facts (when the username is known): an outcome of the
 * account or token check listed here goes elsewhere, with one line saying why.
 */
export const FactsLead = z.record(
  z.string().regex(/^(account|token)\.[a-z-]+$/, 'an outcome of the account or token check'),
  z.strictObject({ go: Opening, say: MessageRef }),
);
export type FactsLead = z.infer<typeof FactsLead>;

export const SayStep = z.strictObject({
  say: z.union([MessageRef, z.array(MessageRef).min(1)]),
  link: z.strictObject({ url: z.string().min(1), label: MessageRef }).optional(),
  qr: z.string().min(1).optional(),
  next: Target,
  facts: FactsLead.optional(),
});

export const AskStep = z.strictObject({
  ask: MessageRef,
  /** A slot that answers this question when the person already said it (device: stolen, new, …). */
  slot: z.enum(['device', 'code_source']).optional(),
  choices: z
    .record(StepId, z.union([Target, z.strictObject({
          next: Target,
          label: MessageRef,
          examples: Examples.optional(),
          /** A global intent that picks this choice (like first_code for "I noted it down earlier"). */
          intent: z.string().regex(ID, 'a global intent name').optional(),
          /** The slot values that pick this choice without asking (see `slot`). */
          means: z.array(z.string().regex(ID)).optional(),
        })]))
    .refine((c) => Object.keys(c).length >= 1, 'at least one choice'),
  /** Where a code typed in place of an answer goes (a `check: code` step): at "noted down, or on the screen?" it is the one on the screen. */
  code_given: Target.optional(),
  /** Where "maybe" / "not sure" goes, where being unsure has an answer of its own (a doubt is as urgent as a no). */
  unsure: Target.optional(),
  facts: FactsLead.optional(),
  /** A small picture of what is asked about (a phone scanning a QR code), where a channel draws one. */
  picture: z.enum(PICTURES).optional(),
});

export const InputStep = z
  .strictObject({
    input: z.enum(INPUT_KINDS),
    prompt: MessageRef,
    next: Target,
    skip: Target.optional(),
    /** Ask at most this many times in one conversation, then go to `exhausted`. */
    tries: z.number().int().min(1).max(20).optional(),
    exhausted: Target.optional(),
    /** Where to go instead of asking when the person said they are outside Sweden (a location prompt). */
    outside: Target.optional(),
    /** Where to go instead of asking when the person already said what their phone's clock shows. */
    time_given: Target.optional(),
    /**
     * Where the same old code typed again within a minute goes: the app is still showing it, so it is
     * the one on the screen and the phone's clock lags by the code's age.
     */
    same_code: Target.optional(),
    /**
     * Asked once: where a reply that does not give the answer goes ("I don't know", a question, "ok").
     * An urgent hand-over asks for the account but never waits for it.
     */
    otherwise: Target.optional(),
  })
  .refine((s) => (s.tries === undefined) === (s.exhausted === undefined), 'tries and exhausted go together');

export const CheckStep = z.strictObject({
  check: z.enum(CHECK_IDS),
  say: MessageRef.optional(),
  on: z.record(z.string(), Target),
  /**
   * Where a code check that finds no match goes when the person said the code is one they noted
   * down earlier: a code from days ago lies beyond any search window, so the check cannot say it.
   */
  noted: Target.optional(),
  /**
   * Where a code check goes that finds the code 2–6 steps (60–180 s) behind, typed as the code the
   * app shows now and not said to be noted down: the phone's clock lags by the code's age.
   */
  slow: Target.optional(),
});

export const EscalateStep = z.strictObject({
  escalate: z.literal('support'),
  urgent: z.boolean().default(false),
  say: MessageRef.optional(),
  attach: z.array(z.enum(['transcript', 'checks'])).default(['transcript', 'checks']),
});

export const GotoStep = z.strictObject({ flow: z.string().regex(ID, 'a flow id in snake_case') });

/** Keeps a durable watch on the person's pending token ("tell me here when it is active"), then goes on. */
export const WatchStep = z.strictObject({ watch: z.literal('token'), next: Target });

export const STEP_KINDS = {
  say: SayStep,
  ask: AskStep,
  input: InputStep,
  check: CheckStep,
  escalate: EscalateStep,
  flow: GotoStep,
  watch: WatchStep,
} as const;
export type StepKind = keyof typeof STEP_KINDS;

export type Step =
  | ({ kind: 'say' } & z.infer<typeof SayStep>)
  | ({ kind: 'ask' } & z.infer<typeof AskStep>)
  | ({ kind: 'input' } & z.infer<typeof InputStep>)
  | ({ kind: 'check' } & z.infer<typeof CheckStep>)
  | ({ kind: 'escalate' } & z.infer<typeof EscalateStep>)
  | ({ kind: 'flow' } & z.infer<typeof GotoStep>)
  | ({ kind: 'watch' } & z.infer<typeof WatchStep>);

export const FlowHeader = z.strictObject({
  id: z.string().regex(ID, 'a flow id in snake_case'),
  title: Text,
  order: z.number().int().default(100),
  topic: z.boolean().default(true),
  examples: Examples.optional(),
  /** Examples for every choice with this id in the flow (done, stuck, …), unless the choice has its own. */
  choice_examples: z.record(StepId, Examples).default({}),
  start: StepId,
  /** The steps a person goes through in order, shown as a stepper (step 5 of 9) where a channel can draw one. */
  stages: z.array(StepId).default([]),
  messages: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a message key in snake_case'), Text).default({}),
  steps: z.record(z.string(), z.unknown()),
});

export interface Flow {
  id: string;
  file: string;
  title: Text;
  order: number;
  topic: boolean;
  examples: Examples;
  choiceExamples: Record<string, Examples>;
  start: string;
  /** The steps a person goes through in order (a stepper shows where they are). */
  stages: string[];
  messages: Record<string, Text>;
  steps: Record<string, Step>;
}

export type FlowSet = ReadonlyMap<string, Flow>;

/** The names every intents file must define: the global intents the engine acts on. */
export const GLOBAL_INTENTS = ['human', 'menu', 'skip', 'dont_know', 'yes', 'no', 'nothing_sent', 'first_code', 'stop', 'hello', 'thanks', 'none'] as const;
export type GlobalIntent = (typeof GLOBAL_INTENTS)[number];

/** `flows/_intents.yaml`: examples for the global intents, understood at every prompt. */

/** Which intent or fact opens which topic, so no flow id is written in the engine's code. */
export const OpensMap = z.strictObject({
  /** Global intents (and `code`: a bare code) that open a topic at the menu. */
  intents: z.record(z.string().regex(ID), Opening).default({}),
  /** Topics answered in place, as this global intent, in the middle of another topic. */
  in_place: z.record(z.string().regex(ID), z.string().regex(ID)).default({}),
  /** What happened to the device (the `device` slot) → where that topic starts. */
  device: z.record(z.string().regex(ID), Opening).default({}),
  /** Someone else registered a token or logged in: urgent, the account named. */
  takeover: Opening.optional(),
  /** Doubt alone ("not sure it was me", with no token, mail or login named): the question that tells. */
  doubt: Opening.optional(),
  /** "Was that me?" about a mail or token: the question (did you register one just before?) that tells. */
  doubt_mail: Opening.optional(),
  /** The hand-over topic (talk to a person). */
  human: Opening.optional(),
  /** What the phone's clock shows, said outside a question about it → where the clock is checked. */
  device_time: Opening.optional(),
  /**
   * Topics close in meaning, in pairs: a first message near both of a pair (each at least the topic
   * threshold, within `THRESHOLDS.closeTopics` of each other) that says no fact deciding between
   * them is asked which, both as buttons, instead of guessing.
   */
  ask_between: z.array(z.tuple([z.string().regex(ID), z.string().regex(ID)])).default([]),
});
export type Opens = z.infer<typeof OpensMap>;

export const IntentsFile = z.strictObject({
  intents: z.record(z.string().regex(ID, 'an intent name in snake_case'), Examples),
  opens: OpensMap.optional(),
});
export type Intents = Record<string, Examples>;
