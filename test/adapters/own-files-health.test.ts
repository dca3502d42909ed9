// A replica on PostgreSQL writes its own files to DATA_DIR too (here tickets, TICKET_DIR; the demo's
// mailbox without SMTP): when that disk is full, /healthz must say so although the database answers.
// DATA_DIR is a small tmpfs mounted for this test (the tests run as root), filled on purpose.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolated } from '../helpers/shared-services.ts';
import { probeDetail, startWebApp, type WebApp } from '../helpers/web.ts';

const iso = isolated();
let mountPoint = '';
let w: WebApp | undefined;

beforeAll(() => {
  mountPoint = mkdtempSync(path.join(os.tmpdir(), '2fa-full-files-'));
  if (process.getuid?.() !== 0) throw new Error('this test mounts a small tmpfs and needs root');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mountPoint]);
});
afterAll(async () => {
  await w?.close();
  await iso.drop();
  try {
    execFileSync('umount', ['-l', mountPoint]);
  } finally {
    rmdirSync(mountPoint);
  }
});

const health = (url: string) => probeDetail(url);

describe('health of a PostgreSQL replica whose own files have no room', () => {
  it('reports the store failing while the ticket folder is full, and healthy again once there is room', async () => {
    w = await startWebApp({ ...iso.env, DATA_DIR: mountPoint, TICKET_DIR: path.join(mountPoint, 'tickets') });
    expect(await health(w.url)).toMatchObject({ status: 200, body: { ok: true } });
    const filler = path.join(mountPoint, 'filler');
    const block = Buffer.alloc(4096, 1);
    let n = 0;
    try {
      for (;;) writeFileSync(filler + String(n++), block);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const full = await health(w.url);
    expect(full.status).toBe(503);
    expect(full.body.failing).toContain('store');
    for (let i = 0; i < n; i++) rmSync(filler + String(i), { force: true });
    expect(await health(w.url)).toMatchObject({ status: 200, body: { ok: true } });
  });
});
