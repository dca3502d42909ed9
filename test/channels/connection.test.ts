// The platform connection's retry schedule (cockatiel's exponential backoff, ±20 % spread, capped),
// against a real TCP port on loopback that refuses until a server listens on it.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Connection, waitUp } from '../../src/channels/shared/connection.ts';
import { recordingLogger } from '../helpers/fakes.ts';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

describe('a platform connection that is refused at first', () => {
  it('waits 10, 20, 40 ms then the 40 ms cap, each within ±20 %, and is up once the peer listens', async () => {
    const port = await freePort();
    const log = recordingLogger();
    let socket: Socket | undefined;
    let server: Server | undefined;
    const connection = new Connection({
      name: 'loopback',
      log,
      minDelayMs: 10,
      maxDelayMs: 40,
      connect: async () => {
        const failures = log.lines.filter((l) => l.message === 'loopback could not connect; retrying').length;
        if (failures === 4 && !server) {
          server = createServer((s) => s.end());
          await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
        }
        socket = await new Promise<Socket>((resolve, reject) => {
          const s = createConnection(port, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
      },
      disconnect: async () => void socket?.destroy(),
    });
    try {
      connection.start();
      await waitUp(connection, 10_000);
      const waits = log.lines.filter((l) => l.message === 'loopback could not connect; retrying').map((l) => l.fields?.['retryInMs'] as number);
      expect(waits).toHaveLength(4);
      [10, 20, 40, 40].forEach((base, i) => {
        expect(waits[i]).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(waits[i]).toBeLessThanOrEqual(Math.ceil(base * 1.2));
      });
      expect(connection.status.attempts).toBe(5);
    } finally {
      await connection.stop(100);
      socket?.destroy();
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
    }
  });
});
