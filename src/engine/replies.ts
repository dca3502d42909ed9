// Platform-neutral replies. Each channel renders them in its own idiom; the type is the port the
// channels see (src/ports/conversations.ts), so the engine and the channels share one definition.
export type { Choice, Reply, Stage } from '../ports/conversations.ts';
