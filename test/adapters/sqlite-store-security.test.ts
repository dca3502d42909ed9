// What another local user could read or an operator could get wrong: DATA_DIR's modes, a read-only
// database, code fingerprints that outlive their use, and rows nobody ever wrote in.
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteDb } from '../../src/adapters/sql/db.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { newSnapshot } from '../../src/engine/snapshot.ts';
import { CODE_FINGERPRINT_MS } from '../../src/engine/transition.ts';
import { BIN, ROOT, baseEnv, tempDataDir } from '../helpers/cli.ts';
import { play } from '../helpers/engine.ts';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('DATA_DIR on disk', () => {
  it('a new DATA_DIR is the owner\'s alone, whatever the umask', async () => {
    const dir = path.join(tempDataDir(), 'fresh');
    const old = process.umask(0o022);
    try {
      const store = await SqlStore.open(SqliteDb.open(dir));
      await store.save(newSnapshot('web:a', Date.now()), 0);
      await store.close();
    } finally {
      process.umask(old);
    }
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'helpdesk.sqlite'))).toBe(0o600);
  });

  it('a group- or world-readable DATA_DIR and database are tightened, with one line saying so', async () => {
    const dir = tempDataDir();
    await SqliteDb.open(dir).close();
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, 'helpdesk.sqlite'), 0o644);
    const lines: string[] = [];
    const store = SqliteDb.open(dir, (l) => lines.push(l));
    await store.close();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DATA_DIR was readable by others.*755 -> 700.*helpdesk\.sqlite 644 -> 600/);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'helpdesk.sqlite'))).toBe(0o600);
  });

  it('a read-only database is one DATA_DIR line and exit 2, not an internal fault', async () => {
    const dir = tempDataDir();
    await SqliteDb.open(dir).close();
    const file = path.join(dir, 'helpdesk.sqlite');
    chmodSync(file, 0o400);
    // root writes any file whatever its mode. As root, the command runs still as root (so it can read
    // the checkout wherever it was cloned, a 0700 home included) but without the capabilities that
    // let root ignore file modes: for it, as for an ordinary user, the 0400 file is read-only.
    const asRoot = process.getuid?.() === 0;
    // `watches` reads the conversation store (diagnose does not open it).
    const argv = [process.execPath, BIN, 'watches'];
    const [command, ...args] = asRoot ? ['setpriv', '--inh-caps=-all', '--bounding-set=-dac_override,-dac_read_search', '--', ...argv] : argv;
    const child = spawn(command as string, args, {
      cwd: ROOT,
      env: { ...baseEnv({ DATA_DIR: dir }), HOME: dir, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json') },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^2fa-helpdesk: DATA_DIR .* readonly/);
    expect(code).toBe(2);
  });
});

describe('upgrading', () => {
  it('a DATA_DIR written by the version before migrations keeps its conversations and tickets', async () => {
    const dir = tempDataDir();
    const old = new Database(path.join(dir, 'helpdesk.sqlite'));
    old.exec(`CREATE TABLE conversations (id TEXT PRIMARY KEY, snapshot TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE tickets (reference TEXT PRIMARY KEY, body TEXT NOT NULL, created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, delivered_at INTEGER, last_error TEXT);
      CREATE TABLE proof_codes (conversation TEXT PRIMARY KEY, subject TEXT NOT NULL, hash TEXT NOT NULL, expires_at INTEGER NOT NULL, tries INTEGER NOT NULL DEFAULT 0);`);
    const kept = play(newSnapshot('web:old', Date.now()), Date.now(), { type: 'start' }, { type: 'text', text: 'my code does not work' }).snapshot;
    old.prepare('INSERT INTO conversations VALUES (?, ?, ?)').run(kept.id, JSON.stringify(kept), kept.updatedAt);
    old.prepare("INSERT INTO meta VALUES ('web-secret', 'the-old-secret')").run();
    old.prepare("INSERT INTO tickets (reference, body, created_at, next_attempt_at) VALUES ('HD-OLD111', '{}', 1, 1)").run();
    old.close();

    const store = await SqlStore.open(SqliteDb.open(dir));
    const loaded = await store.load('web:old');
    expect(loaded.kind === 'found' && loaded.snapshot.transcript).toEqual(kept.transcript);
    expect(loaded.kind === 'found' && loaded.version).toBe(1);
    expect(await store.meta('web-secret', () => 'a-new-one')).toBe('the-old-secret');
    expect(await store.db.get('SELECT reference FROM tickets')).toEqual({ reference: 'HD-OLD111' });
    const columns = await store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('proof_codes')");
    expect(columns.map((c) => c.name)).toContain('email');
    await store.close();
  });
});

describe('codes typed outside the code prompt', () => {
  it('are never kept in the transcript or a ticket note', () => {
    const t0 = Date.parse('2026-11-27T12:00:00Z');
    const r = play(
      newSnapshot('web:r', t0),
      t0,
      { type: 'start' },
      { type: 'text', text: '847361' },
      { type: 'text', text: 'my code 912 834 is wrong' },
      { type: 'topic', flow: 'human' },
      { type: 'text', text: 'skip' },
      { type: 'text', text: 'I typed 55501234 and it failed' },
    );
    const stored = JSON.stringify(r.snapshot);
    for (const code of ['847361', '912 834', '912834', '55501234']) expect(stored).not.toContain(code);
    expect(stored).toContain('[code]');
  });
});
