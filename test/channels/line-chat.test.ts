// The conversation over lines (src/channels/shared/line-chat.ts) that the terminal chat and the line
// chat share: output closed early ends the chat quietly, and a goodbye is answered before the chat ends.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runLineChat } from '../../src/channels/shared/line-chat.ts';
import type { ChatEvent, ChatTurn, Conversations } from '../../src/ports/conversations.ts';

/** Conversations that answer every event with one line naming it, and remember what they were sent. */
function echoing(): Conversations & { events: ChatEvent[] } {
  const events: ChatEvent[] = [];
  return {
    events,
    async turn(id, event): Promise<ChatTurn> {
      events.push(event);
      const said = event.type === 'text' ? event.text : event.type;
      return { replies: [{ kind: 'text', text: `answer to ${said}` }], conversation: { id, lang: 'en', status: 'active', transcript: [], epoch: 0 }, saved: true };
    },
    async peek() {
      return undefined;
    },
    topics: () => [],
  };
}

/** Conversations that answer a goodbye with a question (its choices on screen), and remember what they were sent. */
function askingAfterGoodbye(): Conversations & { events: ChatEvent[] } {
  const inner = echoing();
  return {
    ...inner,
    async turn(id, event, turnOptions): Promise<ChatTurn> {
      const turn = await inner.turn(id, event, turnOptions);
      if (event.type !== 'text') return turn;
      return { ...turn, replies: [{ kind: 'choices', prompt: 'Did this help?', choices: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] }] };
    },
  };
}

/** Output that takes `keep` writes and then fails every write as a closed pipe does. */
function closingAfter(keep: number): Writable & { written: string[] } {
  const written: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (written.length >= keep) return done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      written.push(chunk.toString());
      done();
    },
  });
  return Object.assign(out, { written });
}

function collecting(): Writable & { written: string[] } {
  return closingAfter(Number.POSITIVE_INFINITY);
}

const options = { conversationId: 'terminal:test', channel: 'terminal', interactive: false } as const;

describe('line chat', () => {
  it('ends quietly when its output is closed early (piped into head), reading no more lines', async () => {
    const conversations = echoing();
    const input = new PassThrough();
    const output = closingAfter(1);
    const done = runLineChat({ ...options, conversations, input, output });
    input.write('first line\nsecond line\nthird line\n');
    input.end();
    await expect(done).resolves.toBeUndefined();
    expect(output.written).toEqual(['answer to start\n\n']);
    // The first line may already be on its way when the pipe breaks; nothing after it is sent.
    expect(conversations.events.filter((e) => e.type === 'text').length).toBeLessThanOrEqual(1);
  });

  it('answers a goodbye in English and Swedish, then ends the chat; "quit" ends it unanswered', async () => {
    for (const [bye, after] of [
      ['Bye!', 'menu'],
      ['hej då', 'meny'],
    ] as const) {
      const conversations = echoing();
      const input = new PassThrough();
      const output = collecting();
      const done = runLineChat({ ...options, conversations, input, output });
      input.end(`${bye}\n${after}\n`);
      await done;
      expect(output.written.join('')).toContain(`answer to ${bye}`);
      expect(conversations.events).toEqual([{ type: 'start' }, { type: 'text', text: bye }]);
    }
    const conversations = echoing();
    const input = new PassThrough();
    await Promise.all([runLineChat({ ...options, conversations, input, output: collecting() }), Promise.resolve(input.end('quit\nmenu\n'))]);
    expect(conversations.events).toEqual([{ type: 'start' }]);
  });

  it('a goodbye answered with a question leaves the chat open for the answer', async () => {
    const conversations = askingAfterGoodbye();
    const input = new PassThrough();
    const output = collecting();
    const done = runLineChat({ ...options, conversations, input, output });
    input.end('bye\n1\n');
    await done;
    expect(output.written.join('')).toContain('Did this help?');
    expect(conversations.events).toEqual([{ type: 'start' }, { type: 'text', text: 'bye' }, { type: 'choice', id: 'yes' }]);
  });
});
