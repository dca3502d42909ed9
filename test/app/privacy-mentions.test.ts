// A person named in someone else's words: found as a whole word only ("alice", "Alice.", not "malice",
// "alice2" or another's address), listed line by line, and erased from those lines alone.
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDb } from '../../src/adapters/sql/db.ts';
import { SqlPersonalData } from '../../src/adapters/sql/personal-data.ts';
import { channelPeople } from '../../src/app/privacy.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { newSnapshot } from '../../src/engine/snapshot.ts';

describe('mentions of a person in others\' conversations', () => {
  let store: SqlStore;
  afterAll(() => store?.close());

  it('are whole words, listed by line, and redacted there only', async () => {
    store = await SqlStore.open(SqliteDb.open(':memory:'));
    const lines = ['Alice. said the same', 'no malice meant, ask alice2', 'ask ALICE on the cluster, or alice.a@example.org', 'nothing here'];
    const s = newSnapshot('web:carol', Date.now());
    s.transcript = lines.map((l, i) => [i, 'u', l]);
    await store.save(s, 0);
    const data = new SqlPersonalData(store.db, channelPeople());
    const alice = { users: ['alice'], emails: [], ids: {}, conversations: [] };

    expect((await data.find(alice)).mentions).toEqual([{ conversation: 'web:carol', lines: ['Alice. said the same', 'ask ALICE on the cluster, or alice.a@example.org'] }]);
    // One record of someone else's, two of its lines.
    expect((await data.erase(await data.plan(alice))).mentions).toBe(1);
    const after = await store.load('web:carol');
    expect(after.kind === 'found' && after.snapshot.transcript.map(([, , l]) => l)).toEqual([
      '[erased]. said the same',
      'no malice meant, ask alice2',
      'ask [erased] on the cluster, or alice.a@example.org',
      'nothing here',
    ]);
    expect((await data.find(alice)).mentions).toEqual([]);
  });
});
