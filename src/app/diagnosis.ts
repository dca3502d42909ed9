// `diagnose` on the command line builds only what its checks use: the configured back-ends behind
// their guards (an adapter not configured is not even loaded: no ldapts without LDAP), the checks
// (DNS, NTP, the per-account limit on code checks) and the centre's words. No conversation store,
// tickets, mail, flows, understanding or leader election: with SQLite there is no database to open
// at all (the limits are in this process, as serve's are then); with PostgreSQL or Redis the
// code-check limit is the one every replica shares.
import { replicaName, type Config } from '../config.ts';
import type { CentreWords } from '../flows/words.ts';
import type { Logger } from '../ports/logger.ts';
import { systemClock, type Clock } from '../ports/time.ts';
import { diagnose, type DiagnoseRequest, type DiagnosticReport } from '../checks/diagnose.ts';
import type { PostgresDb } from '../adapters/sql/postgres.ts';
import { createBackends } from './backend.ts';
import { centreWords } from './centre-words.ts';
import { createChecks } from './checks.ts';
import { createLog, createMetrics } from './observability.ts';
import { createLimits, openSharedRedis } from './shared-limits.ts';

export interface Diagnosis {
  /** The centre's words the staff report names. */
  words: CentreWords;
  diagnose(req: DiagnoseRequest): Promise<DiagnosticReport>;
  close(): Promise<void>;
}

/** The PostgreSQL database, when the limits are kept there (its migrations create their table). */
async function limitsDatabase(config: Config, log: Logger, cleanups: Array<() => unknown>): Promise<PostgresDb | undefined> {
  if (!config.DATABASE_URL || config.REDIS_URL) return undefined;
  const [{ openDatabase }, { SqlStore }] = await Promise.all([import('../adapters/sql/open.ts'), import('../adapters/sql/store.ts')]);
  const db = await openDatabase(config, log);
  cleanups.push(() => db.close());
  await SqlStore.open(db);
  return db as PostgresDb;
}

export async function createDiagnosis(config: Config, options: { log?: Logger; clock?: Clock } = {}): Promise<Diagnosis> {
  const clock = options.clock ?? systemClock;
  const replica = replicaName(config);
  const log = options.log ?? createLog(config, replica);
  const metrics = createMetrics(config, replica, false);
  const cleanups: Array<() => unknown> = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const pg = await limitsDatabase(config, log, cleanups);
    const redis = await openSharedRedis(config, log, metrics, cleanups);
    const limits = createLimits(config, { redis, pg }, log, metrics);
    const backends = await createBackends(config, { clock, log, metrics, redis });
    cleanups.push(() => backends.close());
    const { checks } = await createChecks(config, { backends, limits, clock, log, metrics, waitForNtp: true }, cleanups);
    const words = centreWords(config, backends.demo?.url);
    return { words, diagnose: (req) => diagnose(checks, words, req, clock.now()), close };
  } catch (err) {
    await close();
    throw err;
  }
}
