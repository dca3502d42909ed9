// The file inbox: a follow-up goes into its ticket's file, so one case is one file to whoever reads
// the folder; a repeat after a crash adds nothing twice.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTicketDelivery } from '../../src/adapters/ticket-file.ts';
import type { Ticket } from '../../src/ports/tickets.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function inbox(): { dir: string; sink: FileTicketDelivery } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tickets-'));
  dirs.push(dir);
  return { dir, sink: new FileTicketDelivery(dir) };
}

const ticket = (extra: Partial<Ticket> = {}): Ticket => ({
  conversationId: 'terminal:1',
  urgent: false,
  lang: 'en',
  subject: { user: 'alice' },
  transcript: ['00:01 person: my code fails'],
  findings: [],
  createdAt: '2026-11-28T10:00:00.000Z',
  ...extra,
});

const read = (dir: string, ref: string) => JSON.parse(readFileSync(path.join(dir, `${ref}.json`), 'utf8')) as Record<string, unknown>;

describe('file ticket inbox', () => {
  it('adds a follow-up to its ticket, once, and marks a case the person solved', async () => {
    const { dir, sink } = inbox();
    await sink.deliver('HD-AAAAAA', ticket());
    const more = ticket({ relatesTo: 'HD-AAAAAA', note: 'still the same error', createdAt: '2026-11-28T10:05:00.000Z' });
    await sink.deliver('HD-BBBBBB', more, { parent: { reference: 'HD-AAAAAA', externalId: null } });
    await sink.deliver('HD-BBBBBB', more, { parent: { reference: 'HD-AAAAAA', externalId: null } });
    await sink.deliver('HD-CCCCCC', ticket({ relatesTo: 'HD-AAAAAA', note: 'it works now', solved: true, createdAt: '2026-11-28T10:09:00.000Z' }));
    expect(readdirSync(dir)).toEqual(['HD-AAAAAA.json']);
    const body = read(dir, 'HD-AAAAAA');
    expect((body.followUps as Array<{ reference: string }>).map((f) => f.reference)).toEqual(['HD-BBBBBB', 'HD-CCCCCC']);
    expect(body.solvedByPerson).toBe('2026-11-28T10:09:00.000Z');
  });

  it('files a follow-up on its own when its ticket file is gone', async () => {
    const { dir, sink } = inbox();
    await sink.deliver('HD-DDDDDD', ticket({ relatesTo: 'HD-GONE00' }));
    expect(readdirSync(dir)).toEqual(['HD-DDDDDD.json']);
    expect(read(dir, 'HD-DDDDDD').relatesTo).toBe('HD-GONE00');
  });
});
