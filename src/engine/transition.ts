// The engine's entry point, kept for its importers: the work is split by job into dispatch.ts
// (events), steps.ts (walking a flow), answers.ts (reading a message), intents.ts (which intent
// opens which topic, from flows/_intents.yaml) and wording.ts (what is said, in which language).
export { transition, CODE_FINGERPRINT_MS, type TransitionResult } from './dispatch.ts';
export { HUMAN_CHOICE, MENU_CHOICE, isProven } from './steps.ts';
export type { EngineEnv } from './env.ts';
export type { CheckRequest, ConfirmProofRequest, Effect, EngineEvent, EscalateRequest, ProofRequest, WatchRequest } from './events.ts';
