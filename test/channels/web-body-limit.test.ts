// A body too large is refused with 413, and the client reads that 413: the rest
// of the body is drained up to a cap before the connection closes, instead of a reset while the
// client is still sending; a client that asks first ("Expect: 100-continue") is told 413 at once.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebApp, type WebApp } from '../helpers/web.ts';

let w: WebApp;
beforeAll(async () => {
  w = await startWebApp({});
});
afterAll(async () => {
  await w.close();
});

/** POSTs `size` bytes in 64 KB writes, announcing the length or not; what came back, or the socket error. */
function post(size: number, headers: Record<string, string>): Promise<{ status?: number; continued: boolean; error?: string }> {
  return new Promise((resolve) => {
    const url = new URL('/api/chat', w.url);
    let continued = false;
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } });
    req.on('continue', () => (continued = true));
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, continued }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message, continued }));
    if (headers.expect) return req.flushHeaders();
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('a body too large', () => {
  it('5 MB sent without a length, five times: a 413 each time, never a reset connection', async () => {
    for (let i = 0; i < 5; i++) expect(await post(5 * 1024 * 1024, { 'transfer-encoding': 'chunked' })).toEqual({ status: 413, continued: false });
  });

  it('5 MB with its length announced: a 413, never a reset connection', async () => {
    expect(await post(5 * 1024 * 1024, { 'content-length': String(5 * 1024 * 1024) })).toEqual({ status: 413, continued: false });
  });

  it('a client that asks first is told 413, not "100 Continue"', async () => {
    expect(await post(5 * 1024 * 1024, { 'content-length': String(5 * 1024 * 1024), expect: '100-continue' })).toEqual({ status: 413, continued: false });
  });
});
