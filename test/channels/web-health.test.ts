// /healthz tells the truth about the store: it writes this replica's heartbeat
// row, so a full disk is reported as `store` failing while reads still answer. DATA_DIR is a small
// tmpfs mounted for this test (the tests run as root; unmounted afterwards), filled up on purpose.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeDetail, startWebApp, type WebApp } from '../helpers/web.ts';

const asRoot = process.getuid?.() === 0;
let mountPoint = '';
let w: WebApp | undefined;

beforeAll(() => {
  mountPoint = mkdtempSync(path.join(os.tmpdir(), '2fa-full-disk-'));
  // Only root may mount (the tests run as root here and in CI, as bin/test-peers.js expects).
  if (!asRoot) throw new Error('this test mounts a small tmpfs and needs root');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mountPoint]);
});
afterAll(async () => {
  await w?.close();
  try {
    if (asRoot) execFileSync('umount', ['-l', mountPoint]);
  } finally {
    rmdirSync(mountPoint);
  }
});

const health = (url: string) => probeDetail(url);

describe('health on a full disk', () => {
  it('reports the store failing while the disk is full, and healthy again once there is room', async () => {
    const dataDir = path.join(mountPoint, 'data');
    w = await startWebApp({ DATA_DIR: dataDir });
    expect(await health(w.url)).toMatchObject({ status: 200, body: { ok: true } });
    // Fill what is left of the disk, a block at a time, until the file system says no.
    const filler = path.join(mountPoint, 'filler');
    const block = Buffer.alloc(4096, 1);
    let n = 0;
    try {
      for (;;) writeFileSync(path.join(filler + String(n++)), block);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const full = await health(w.url);
    expect(full.status).toBe(503);
    expect(full.body.failing).toContain('store');
    for (let i = 0; i < n; i++) rmSync(path.join(filler + String(i)), { force: true });
    expect(await health(w.url)).toMatchObject({ status: 200, body: { ok: true } });
  });
});
