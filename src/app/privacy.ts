// `privacy export|forget`: a person's data on request (GDPR articles 15 and 17), for staff. Export
// prints one JSON document of everything held; forget erases it from the store and from the files
// the bot writes (its file ticket inbox and demo mailbox), and lists the tickets that already reached
// the centre's ticket system, which staff erase there. Both leave an audit line without the data.
import { readdir, readFile, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { Person } from '../ports/personal-data.ts';
import type { Logger } from '../ports/logger.ts';
import { SqlPersonalData } from '../adapters/sql/personal-data.ts';
import { SqliteDb, type SqlDb } from '../adapters/sql/db.ts';
import { openDatabase } from '../adapters/sql/open.ts';

export const EXPORT_VERSION = 1;

/** The person named on the command line: `--user` (a username or an e-mail address, repeatable), `--slack`, `--discord`. */
export function personFromArgs(args: string[]): { command: 'export' | 'forget'; person: Person } | { error: string } {
  const [command, ...rest] = args;
  if (command !== 'export' && command !== 'forget') return { error: 'usage: 2fa-helpdesk privacy export|forget --user NAME|EMAIL [--slack ID] [--discord ID]' };
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: { user: { type: 'string', multiple: true }, slack: { type: 'string', multiple: true }, discord: { type: 'string', multiple: true } }, strict: true }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  const names = (values.user ?? []).map((u) => u.trim()).filter(Boolean);
  const parsed = Person.safeParse({
    users: names.filter((u) => !u.includes('@')),
    emails: names.filter((u) => u.includes('@')),
    slack: (values.slack ?? []).map((x) => x.trim()),
    discord: (values.discord ?? []).map((x) => x.trim()),
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const flag = i.path[0] === 'slack' ? '--slack' : i.path[0] === 'discord' ? '--discord' : '--user, --slack or --discord';
    return { error: `${flag}: expected ${i.message}` };
  }
  if (names.some((u) => !/^[^\s"'<>]{1,200}$/.test(u))) return { error: '--user: expected a username or an e-mail address' };
  return { command, person: parsed.data };
}

/** Files under `dirs` that name the person (a mail to their address, a ticket about them). */
async function filesNaming(person: Person, dirs: string[]): Promise<string[]> {
  const words = [...person.emails, ...person.slack, ...person.discord].map((w) => w.toLowerCase());
  const users = person.users.map((u) => new RegExp(`(^|[^A-Za-z0-9._-])${u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_-])`, 'i'));
  const out: string[] = [];
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const file = path.join(dir, name);
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const lower = text.toLowerCase();
      if (words.some((w) => lower.includes(w)) || users.some((r) => r.test(text))) out.push(file);
    }
  }
  return out;
}

export interface PrivacyDeps {
  config: Config;
  db: SqlDb;
  /** The audit trail: what was done and how much, never whom about. */
  audit: Logger;
  now?: () => number;
}

/** The folders of files the bot writes itself. */
function ownFolders(config: Config): string[] {
  return [path.join(config.DATA_DIR, 'mail'), ...(config.TICKET_DIR ? [config.TICKET_DIR] : [])];
}

export async function exportPerson(deps: PrivacyDeps, given: Person): Promise<Record<string, unknown>> {
  const store = new SqlPersonalData(deps.db);
  const person = await store.widen(given);
  const held = await store.find(person);
  const files = await filesNaming(person, ownFolders(deps.config));
  deps.audit.info('personal data exported', {
    code: 'privacy.export',
    operator: os.userInfo().username,
    conversations: held.conversations.length,
    tickets: held.tickets.length,
    watches: held.watches.length,
    mentions: held.mentions.length,
    files: files.length,
  });
  return { version: EXPORT_VERSION, generatedAt: new Date(deps.now?.() ?? Date.now()).toISOString(), person, ...held, files };
}

export interface ForgetReport {
  erased: Record<string, number>;
  /** Tickets that reached the centre's ticket system (a mailbox, a webhook): erase them there. */
  deliveredElsewhere: Array<{ reference: string; deliveredTo: string[]; deliveredAt: string | null }>;
  /** SQLite only: false when a reader kept the write-ahead log busy; run forget again when it is quiet. */
  compacted: boolean;
}

export async function forgetPerson(deps: PrivacyDeps, given: Person): Promise<ForgetReport> {
  const store = new SqlPersonalData(deps.db);
  const person = await store.widen(given);
  const held = await store.find(person);
  const files = await filesNaming(person, ownFolders(deps.config));
  const erased: Record<string, number> = { ...(await store.erase(person)), files: 0 };
  for (const f of files) if (await unlink(f).then(() => true, () => false)) erased.files = (erased.files ?? 0) + 1;
  let compacted = true;
  if (deps.db instanceof SqliteDb) compacted = await deps.db.checkpoint();
  const deliveredElsewhere = held.tickets
    .filter((t) => t.deliveredTo.some((s) => s !== 'file'))
    .map((t) => ({ reference: t.reference, deliveredTo: t.deliveredTo.filter((s) => s !== 'file'), deliveredAt: t.deliveredAt }));
  deps.audit.info('personal data erased', {
    code: 'privacy.forget',
    operator: os.userInfo().username,
    ...erased,
    deliveredElsewhere: deliveredElsewhere.map((t) => t.reference).join(' '),
    compacted,
  });
  return { erased, deliveredElsewhere, compacted };
}

/** The command: exit 0 done, 2 bad input (one line on stderr). */
export async function privacyCommand(args: string[], io: { out: (s: string) => void; err: (s: string) => void }, config: Config, audit: Logger): Promise<number> {
  const parsed = personFromArgs(args);
  if ('error' in parsed) {
    io.err(`2fa-helpdesk: ${parsed.error}\n`);
    return 2;
  }
  const { SqlStore } = await import('../adapters/sql/store.ts');
  const store = await SqlStore.open(await openDatabase(config, audit));
  try {
    const deps = { config, db: store.db, audit };
    const out = parsed.command === 'export' ? await exportPerson(deps, parsed.person) : await forgetPerson(deps, parsed.person);
    io.out(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
