// The terminal chat as the registry holds it: on when `serve` runs in a terminal (stdin and stdout
// are both one); "quit" stops the helpdesk. `2fa-helpdesk chat` runs the same chat on its own.
import os from 'node:os';
import { z } from 'zod';
import { defineChannel } from '../contract.ts';
import { runTerminalChat } from './chat.ts';

export const terminalChannel = defineChannel({
  name: 'terminal',
  config: z.object({}).transform(() => ({ interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) })),
  enabled: (s) => s.interactive,
  create(ctx) {
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    const since = ctx.clock.now();
    return {
      async start() {
        process.stdout.write('Terminal chat (type "quit" to stop the helpdesk):\n\n');
        void runTerminalChat({ conversations: ctx.conversations, delivery: ctx.delivery, input: process.stdin, output: process.stdout, conversationId: `terminal:${os.userInfo().username}`, interactive: true })
          .catch((err: unknown) => ctx.log.error('terminal chat failed', { code: 'engine.fault', err }))
          .finally(ended);
      },
      async stop() {},
      status: () => ({ state: 'up', since, attempts: 1 }),
      done,
    };
  },
});
