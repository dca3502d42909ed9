// A line-based chat over TCP on loopback (LINECHAT_PORT): one connection is one conversation, a
// line in is a message, each turn's answer ends with a blank line. For scripts and tests on the
// same host; it exists as much to show that a channel is one folder and one line in the registry.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineChannel } from '../contract.ts';
import type { ConnectionStatus } from '../shared/connection.ts';
import { runLineChat } from '../shared/line-chat.ts';
import { renderReplies } from '../shared/plain-text.ts';

const port = z.coerce.number({ error: 'a whole number from 0 to 65535' }).int('a whole number from 0 to 65535').min(0, 'a whole number from 0 to 65535').max(65535, 'a whole number from 0 to 65535');

export const linechatChannel = defineChannel({
  name: 'linechat',
  config: z.object({ LINECHAT_PORT: port.optional() }).transform((s) => ({ port: s.LINECHAT_PORT })),
  enabled: (s) => s.port !== undefined,
  create(ctx, settings) {
    const sockets = new Map<string, Socket>();
    let status: ConnectionStatus = { state: 'connecting', since: ctx.clock.now(), attempts: 0 };
    let server: Server | undefined;
    // A notice from outside a turn (a watch firing, the phone's clock) goes to the open connection.
    ctx.delivery.register('linechat:', async (conversationId, replies) => {
      const text = renderReplies(replies).text;
      if (text) sockets.get(conversationId)?.write(`${text}\n\n`);
    });
    const converse = (socket: Socket) => {
      const conversationId = `linechat:${randomUUID()}`;
      sockets.set(conversationId, socket);
      socket.setEncoding('utf8');
      socket.on('error', (err) => ctx.log.warn('linechat connection failed', { code: 'channel.delivery', err }));
      runLineChat({ conversations: ctx.conversations, input: socket, output: socket, conversationId, channel: 'linechat', interactive: false })
        .catch((err: unknown) => ctx.log.error('linechat conversation failed', { code: 'engine.fault', conversation: conversationId, err }))
        .finally(() => {
          sockets.delete(conversationId);
          socket.end();
        });
    };
    return {
      start: () =>
        new Promise<void>((resolve, reject) => {
          server = createServer(converse);
          server.once('error', reject);
          // Loopback only: the line chat has no proof of who connects.
          server.listen(settings.port, '127.0.0.1', () => {
            status = { state: 'up', since: ctx.clock.now(), attempts: 1 };
            resolve();
          });
        }),
      async stop() {
        status = { state: 'stopped', since: ctx.clock.now(), attempts: status.attempts };
        for (const s of sockets.values()) s.destroy();
        await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
      },
      status: () => status,
      get banner() {
        return [`Line chat: ${server?.listening ? `127.0.0.1:${(server.address() as AddressInfo).port}` : 'starting'} (one conversation per TCP connection)`];
      },
    };
  },
});
