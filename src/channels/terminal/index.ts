// The terminal chat as the registry holds it: on when `serve` runs in a terminal (stdin and stdout
// are both one); "quit" ends the chat, not the helpdesk (Ctrl-C stops that). `2fa-helpdesk chat`
// runs the same chat on its own, and works piped.
import os from 'node:os';
import { z } from 'zod';
import { defineChannel } from '../contract.ts';
import { runTerminalChat } from './chat.ts';

export const terminalChannel = defineChannel({
  name: 'terminal',
  config: z.object({}).transform(() => ({ interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) })),
  enabled: (s) => s.interactive,
  words: { en: { where: 'in a terminal chat' }, sv: { where: 'i en terminalchatt' } },
  // A conversation is `terminal:ACCOUNT`, the account the chat runs as.
  people: { owner: (account) => account, accountIds: true },
  create(ctx) {
    // A foreground channel (it takes the screen, so it starts after the banner) that never ends the
    // service: the web page and the platforms go on serving after "quit".
    const done = new Promise<void>(() => {});
    const since = ctx.clock.now();
    return {
      async start() {
        process.stdout.write('Terminal chat (type "quit" to end it; Ctrl-C stops the helpdesk):\n\n');
        void runTerminalChat({ conversations: ctx.conversations, delivery: ctx.delivery, input: process.stdin, output: process.stdout, conversationId: `terminal:${os.userInfo().username}`, interactive: true })
          .catch((err: unknown) => ctx.log.error('terminal chat failed', { code: 'engine.fault', err }))
          .finally(() => process.stdout.write('\nTerminal chat ended; the helpdesk is still serving (Ctrl-C stops it).\n'));
      },
      async stop() {},
      status: () => ({ state: 'up', since, attempts: 1 }),
      done,
    };
  },
});
