// The conversation on stdin/stdout. Works interactively and piped: a script can feed it lines and
// read the answers (each turn's output ends with a blank line).
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ConversationRunner } from '../../engine/runner.ts';
import type { EngineEvent } from '../../engine/transition.ts';
import type { Lang } from '../../i18n/index.ts';
import type { Choice } from '../../engine/replies.ts';
import { renderReplies } from './render.ts';
import type { OutOfBand } from '../../engine/out-of-band.ts';

export interface TerminalChatOptions {
  runner: ConversationRunner;
  input: Readable;
  output: Writable;
  conversationId: string;
  lang?: Lang;
  user?: string;
  interactive: boolean;
  /** Where notices from outside a turn (a watch firing) are routed: printed while the chat runs. */
  outOfBand?: OutOfBand;
}

const QUIT = new Set(['quit', 'exit', 'bye', 'avsluta', 'hej da', 'hej då', '/quit']);

export async function runTerminalChat(o: TerminalChatOptions): Promise<void> {
  const write = (s: string) => o.output.write(s);
  let onScreen: Choice[] | undefined;
  const subject = o.user ? { user: o.user, identity: 'terminal' } : undefined;

  const send = async (event: EngineEvent) => {
    const result = await o.runner.turn(o.conversationId, event, { ...(o.lang ? { lang: o.lang } : {}), ...(subject ? { subject } : {}), channel: 'terminal' });
    const rendered = renderReplies(result.replies);
    if (rendered.text) write(`${rendered.text}\n\n`);
    if (rendered.choices) onScreen = rendered.choices;
    else if (result.replies.some((r) => r.kind === 'prompt')) onScreen = undefined;
  };

  // A notice for this conversation (its token is active) is printed between turns while the chat runs.
  o.outOfBand?.register(o.conversationId, async (_id, replies) => {
    const rendered = renderReplies(replies);
    if (rendered.text) write(`${rendered.text}\n\n`);
  });

  const existing = await o.runner.peek(o.conversationId);
  await send(existing && existing.status !== 'ended' && existing.status !== 'handed' && existing.transcript.length ? { type: 'resume' } : { type: 'start' });

  const rl = createInterface({ input: o.input, ...(o.interactive ? { output: o.output } : {}), terminal: o.interactive, crlfDelay: Infinity });
  if (o.interactive) {
    rl.setPrompt('> ');
    rl.prompt();
  }
  for await (const line of rl) {
    const said = line.trim();
    if (QUIT.has(said.toLowerCase())) break;
    const n = Number(said);
    // A number picks from the choices on screen, whatever the conversation's state.
    const picked = onScreen && /^\d+$/.test(said) && n >= 1 && n <= onScreen.length ? onScreen[n - 1] : undefined;
    await send(picked ? { type: 'choice', id: picked.id } : { type: 'text', text: line });
    if (o.interactive) rl.prompt();
  }
  rl.close();
}
