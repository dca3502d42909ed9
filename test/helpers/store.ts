// The SQL beneath a helpdesk's store, for tests that read or set rows directly (the helpdesk offers
// its store as ports only).
import { SqlStore } from '../../src/adapters/sql/store.ts';
import type { SqlDb } from '../../src/adapters/sql/db.ts';
import type { Helpdesk } from '../../src/main.ts';

export function sqlOf(app: Pick<Helpdesk, 'store'>): SqlDb {
  if (!(app.store instanceof SqlStore)) throw new Error('the helpdesk store is not the SQL store');
  return app.store.db;
}
