// The screenshots in docs/ can be taken again from the current page: `npm run screenshots` runs the
// same code, writing into docs/; here into a temporary directory, each picture checked to be a PNG of
// its viewport's size (a phone, 390x844; a desktop, 1280x800).
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREENSHOTS, takeScreenshots } from './screenshots.ts';

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('npm run screenshots', () => {
  it('takes every screenshot docs/ shows, each at its viewport, and every one of them is linked from the docs', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), '2fa-screenshots-'));
    const written = await takeScreenshots(dir);
    expect(written.map((f) => path.basename(f))).toEqual([...SCREENSHOTS]);
    for (const file of written) {
      expect(pngSize(file), file).toEqual(file.endsWith('-desktop.png') ? { width: 1280, height: 800 } : { width: 390, height: 844 });
    }
    const docs = ['README.md', 'docs/channels.md'].map((f) => readFileSync(path.join(import.meta.dirname, '../..', f), 'utf8')).join('\n');
    for (const name of SCREENSHOTS) expect(docs, name).toContain(name);
  });
});
