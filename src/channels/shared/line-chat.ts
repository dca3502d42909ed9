// A conversation over lines of text: the terminal (stdin/stdout) and the line chat (TCP). Works
// interactively and piped: a script can feed it lines and read the answers (each turn's output
// ends with a blank line); a number picks from the choices on screen. Output closed early (piped
// into `head`, a dropped connection) ends the chat quietly.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Lang } from '../../ports/lang.ts';
import type { ChatEvent, Choice, Conversations } from '../../ports/conversations.ts';
import type { Delivery } from '../../ports/delivery.ts';
import { renderReplies } from './plain-text.ts';

export interface LineChatOptions {
  conversations: Conversations;
  input: Readable;
  output: Writable;
  conversationId: string;
  /** The channel's name (metrics, the proof mail's wording). */
  channel: string;
  lang?: Lang;
  user?: string;
  interactive: boolean;
  /** Where notices from outside a turn (a watch firing) are routed: printed while the chat runs. */
  delivery?: Delivery;
}

/** Commands that end the chat at once. */
const QUIT = new Set(['quit', 'exit', 'avsluta', '/quit']);
/** A goodbye is said to the bot, which answers it, and then ends the chat. */
const FAREWELL = new Set(['bye', 'goodbye', 'hej da', 'hej då', 'adjö']);

export async function runLineChat(o: LineChatOptions): Promise<void> {
  // Nobody reads any more (EPIPE, a reset): nothing more is written and no more lines are read.
  let closed = false;
  let rl: ReturnType<typeof createInterface> | undefined;
  const onError = () => {
    closed = true;
    rl?.close();
  };
  o.output.on('error', onError);
  const gone = () => closed || o.output.destroyed || !o.output.writable;
  const write = (s: string) => {
    if (!gone()) o.output.write(s);
  };
  let onScreen: Choice[] | undefined;
  // Whether the bot's last answer asked something (choices or a prompt): a goodbye then leaves the chat open for the answer.
  let asking = false;
  const subject = o.user ? { user: o.user, identity: o.channel } : undefined;

  const send = async (event: ChatEvent) => {
    const result = await o.conversations.turn(o.conversationId, event, { ...(o.lang ? { lang: o.lang } : {}), ...(subject ? { subject } : {}), channel: o.channel });
    const rendered = renderReplies(result.replies);
    if (rendered.text) write(`${rendered.text}\n\n`);
    const prompted = result.replies.some((r) => r.kind === 'prompt');
    if (rendered.choices) onScreen = rendered.choices;
    else if (prompted) onScreen = undefined;
    asking = Boolean(rendered.choices?.length) || prompted;
  };

  // A notice for this conversation (its token is active) is printed between turns while the chat runs.
  o.delivery?.register(o.conversationId, async (_id, replies) => {
    const rendered = renderReplies(replies);
    if (rendered.text) write(`${rendered.text}\n\n`);
  });

  const existing = await o.conversations.peek(o.conversationId);
  await send(existing && existing.status !== 'ended' && existing.status !== 'handed' && existing.transcript.length ? { type: 'resume' } : { type: 'start' });

  rl = createInterface({ input: o.input, ...(o.interactive ? { output: o.output } : {}), terminal: o.interactive, crlfDelay: Infinity });
  if (o.interactive) {
    rl.setPrompt('> ');
    rl.prompt();
  }
  for await (const line of rl) {
    if (gone()) break;
    const said = line.trim().toLowerCase().replace(/[.!]+$/, '');
    if (QUIT.has(said)) break;
    const n = Number(said);
    // A number picks from the choices on screen, whatever the conversation's state.
    const picked = onScreen && /^\d+$/.test(said) && n >= 1 && n <= onScreen.length ? onScreen[n - 1] : undefined;
    await send(picked ? { type: 'choice', id: picked.id } : { type: 'text', text: line });
    if ((FAREWELL.has(said) && !asking) || gone()) break;
    if (o.interactive) rl.prompt();
  }
  rl.close();
}
