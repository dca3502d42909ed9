// `privacy export|forget`: a person's data on request (GDPR articles 15 and 17), for staff. Export
// prints one JSON document of everything held; forget erases exactly that — from the store, the
// files the bot writes (its ticket inbox and demo mailbox) and Redis (per-key limits, cached
// answers) — and replaces the person's name, addresses and ids by `[erased]` in others' records,
// never deleting another person's data. It lists what would go with --dry-run and asks first on a
// terminal (--yes to skip the question). Both leave an audit line without the data.
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { Person, type ErasurePlan, type NamedChannelPeople } from '../ports/personal-data.ts';
import type { Logger } from '../ports/logger.ts';
import { ChannelIds, isTheirLimit, redactDeep, whoseTicket, Who } from '../privacy/erasure.ts';
import { SqlPersonalData } from '../adapters/sql/personal-data.ts';
import { SqliteDb, type SqlDb } from '../adapters/sql/db.ts';
import { openDatabase } from '../adapters/sql/open.ts';
import { sharedKeyHead } from '../adapters/limits.ts';
import { backendsInUse } from './backend.ts';
import { centreWords } from './centre-words.ts';
import type { Snapshot } from '../engine/snapshot.ts';
import { parseSnapshot } from '../engine/migrate.ts';
import { renderTranscript } from '../engine/transcript.ts';
import { loadFlowsOrThrow } from '../flows/loader.ts';
import type { AnyChannelPlugin } from '../channels/contract.ts';
import { CHANNELS } from '../channels/registry.ts';

export const EXPORT_VERSION = 1;

type Command = { command: 'export' | 'forget'; person: Person; yes: boolean; dryRun: boolean };

/** What each channel declares about the people in its conversations, with its name. */
export function channelPeople(channels: readonly AnyChannelPlugin[] = CHANNELS): NamedChannelPeople[] {
  return channels.flatMap((c) => (c.people ? [{ channel: c.name, ...c.people }] : []));
}

/** The channels a person has an id on, each with its command-line option (`--<name> ID`). */
const idChannels = (channels: readonly AnyChannelPlugin[]) => channelPeople(channels).filter((c) => c.id);

/** `privacy export|forget --user NAME|EMAIL [--<channel> ID]… [--dry-run] [--yes]`, for the channels given. */
export function privacyUsage(channels: readonly AnyChannelPlugin[] = CHANNELS): string {
  return ['privacy export|forget --user NAME|EMAIL', ...idChannels(channels).map((c) => `[--${c.channel} ID]`), '[--dry-run] [--yes]'].join(' ');
}

/** `--user, --a or --b`: every way to name a person. */
function namingFlags(channels: readonly AnyChannelPlugin[]): string {
  const flags = ['--user', ...idChannels(channels).map((c) => `--${c.channel}`)];
  return flags.length > 1 ? `${flags.slice(0, -1).join(', ')} or ${flags.at(-1)}` : flags[0]!;
}

/** The person named on the command line: `--user` (a username or an e-mail address, repeatable), and their id on each channel that has ids (`--<channel>`). */
export function personFromArgs(args: string[], channels: readonly AnyChannelPlugin[] = CHANNELS): Command | { error: string } {
  const [command, ...rest] = args;
  if (command !== 'export' && command !== 'forget') return { error: `usage: 2fa-helpdesk ${privacyUsage(channels)}` };
  const withIds = idChannels(channels);
  let values: Record<string, string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        user: { type: 'string', multiple: true },
        ...Object.fromEntries(withIds.map((c) => [c.channel, { type: 'string', multiple: true } as const])),
        yes: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  const given = (name: string) => ((values[name] as string[] | undefined) ?? []).map((x) => x.trim());
  const names = given('user').filter(Boolean);
  for (const c of withIds) {
    for (const x of given(c.channel)) {
      const id = c.id!.safeParse(x);
      if (!id.success) return { error: `--${c.channel}: expected ${id.error.issues[0]!.message}` };
    }
  }
  const parsed = Person.safeParse({
    users: names.filter((u) => !u.includes('@')),
    emails: names.filter((u) => u.includes('@')),
    ids: Object.fromEntries(withIds.map((c) => [c.channel, given(c.channel)])),
  });
  if (!parsed.success) return { error: `${namingFlags(channels)}: expected ${parsed.error.issues[0]!.message}` };
  if (names.some((u) => !/^[^\s"'<>]{1,200}$/.test(u))) return { error: '--user: expected a username or an e-mail address' };
  if (command === 'export' && (values.yes || values['dry-run'])) return { error: '--yes and --dry-run are for forget' };
  return { command, person: parsed.data, yes: values.yes === true, dryRun: values['dry-run'] === true };
}

export interface PrivacyDeps {
  config: Config;
  db: SqlDb;
  /** The shared limits and cache, when REDIS_URL is set. */
  redis?: Redis | undefined;
  /** The audit trail: what was done and how much, never whom about. */
  audit: Logger;
  now?: () => number;
  /** A stored conversation's transcript as the person saw it, in their language (absent: as stored). */
  transcript?: (snapshot: Snapshot) => string[];
  /** The channels whose conversations are searched (the registry's; a test adds its own). */
  channels?: readonly AnyChannelPlugin[];
}

/**
 * A held conversation for the person: its transcript in words, when it can be read as a snapshot
 * (of this version or an older one); the fingerprints of codes, left out of the export, are no part
 * of the words.
 */
function readable(deps: PrivacyDeps, conversation: unknown): unknown {
  if (!deps.transcript || typeof conversation !== 'object' || conversation === null) return conversation;
  const parsed = parseSnapshot({ ...conversation, codes: [] });
  return parsed.success ? { ...conversation, transcript: deps.transcript(parsed.data) } : conversation;
}

/** The folders of files the bot writes itself. */
function ownFolders(config: Config): { tickets: string | undefined; mail: string } {
  return { tickets: config.TICKET_DIR, mail: path.join(config.DATA_DIR, 'mail') };
}

/** The bot's own files: the person's (deleted) and others' that name them (rewritten without them). */
interface FilePlan {
  remove: string[];
  redact: Array<{ file: string; text: string }>;
}

async function filesOf(dir: string | undefined): Promise<Array<{ file: string; text: string }>> {
  if (!dir) return [];
  const out: Array<{ file: string; text: string }> = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) out.push({ file, text });
  }
  return out;
}

/**
 * The ticket inbox by the store's verdict (the same tickets, by reference), and a file the store no
 * longer holds by the same rules; the demo mailbox by recipient.
 */
async function planFiles(config: Config, plan: ErasurePlan, who: Who): Promise<FilePlan> {
  const out: FilePlan = { remove: [], redact: [] };
  const own = new Set(plan.tickets);
  const others = new Set(plan.redacted.tickets);
  const ownConversations = new Set(plan.conversations);
  const othersConversations = new Set(plan.redacted.conversations);
  const folders = ownFolders(config);
  for (const { file, text } of await filesOf(folders.tickets)) {
    let body: { reference?: string; conversationId?: string } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    const reference = body?.reference ?? path.basename(file, '.json');
    const conversation = body?.conversationId;
    const whose = own.has(reference)
      ? 'own'
      : others.has(reference)
        ? 'named'
        : body
          ? whoseTicket(who, body, conversation && ownConversations.has(conversation) ? 'own' : conversation && othersConversations.has(conversation) ? 'shared' : undefined)
          : who.named(text)
            ? 'named'
            : 'unrelated';
    if (whose === 'own') out.remove.push(file);
    else if (whose !== 'unrelated' && who.named(text)) out.redact.push({ file, text: body ? `${JSON.stringify(redactDeep(who, body), null, 2)}\n` : who.redact(text) });
  }
  for (const { file, text } of await filesOf(folders.mail)) {
    const head = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
    const to = /^To:(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1] ?? '';
    if (plan.person.emails.some((e) => to.toLowerCase().includes(e.toLowerCase()))) out.remove.push(file);
    else if (who.named(text)) out.redact.push({ file, text: who.redact(text) });
  }
  return out;
}

/** Every key in Redis under `head`, by SCAN (never KEYS: a busy Redis keeps answering others). */
async function scanKeys(redis: Redis, head: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${head.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

/** The person's keys in Redis: their per-key limits, and each back-end's cached answers about them (its own keys). */
async function planRedis(deps: PrivacyDeps, plan: ErasurePlan, who: Who): Promise<{ limits: string[]; caches: string[] }> {
  const redis = deps.redis;
  if (!redis) return { limits: [], caches: [] };
  const prefix = deps.config.REDIS_PREFIX;
  const limitsHead = `${prefix}rl:`;
  const limits = (await scanKeys(redis, limitsHead)).filter((k) => isTheirLimit(who, k.slice(limitsHead.length), { conversations: plan.conversations, addresses: plan.addresses }));
  const subject = { users: plan.person.users, emails: plan.person.emails };
  const caches: string[] = [];
  for (const backend of await backendsInUse(deps.config)) {
    for (const kind of ['cache', 'lock'] as const) {
      const head = sharedKeyHead(prefix, backend.upstream, kind);
      caches.push(...(await scanKeys(redis, head)).filter((k) => backend.ownsCacheKey(k.slice(head.length), subject)));
    }
  }
  return { limits, caches: [...new Set(caches)] };
}

/** What forget will do, worked out before anything changes: the store's plan, the files and the Redis keys. */
async function survey(deps: PrivacyDeps, given: Person) {
  const people = channelPeople(deps.channels);
  const store = new SqlPersonalData(deps.db, people);
  const person = await store.widen(given);
  const plan = await store.plan(person);
  const who = new Who(person, new ChannelIds(people));
  return { store, plan, who, files: await planFiles(deps.config, plan, who), redis: await planRedis(deps, plan, who) };
}

export async function exportPerson(deps: PrivacyDeps, given: Person): Promise<Record<string, unknown>> {
  const { store, plan, files, redis } = await survey(deps, given);
  const held = await store.find(plan.person);
  deps.audit.info('personal data exported', {
    code: 'privacy.export',
    operator: os.userInfo().username,
    conversations: held.conversations.length,
    tickets: held.tickets.length,
    watches: held.watches.length,
    mentions: held.mentions.length,
    files: files.remove.length,
  });
  const strip = (keys: string[]) => keys.map((k) => k.slice(deps.config.REDIS_PREFIX.length));
  return {
    version: EXPORT_VERSION,
    generatedAt: new Date(deps.now?.() ?? Date.now()).toISOString(),
    // The person as staff named them: each channel's ids under its name.
    person: { users: plan.person.users, emails: plan.person.emails, ...plan.person.ids, conversations: plan.person.conversations },
    ...held,
    conversations: held.conversations.map((c) => readable(deps, c)),
    files: files.remove,
    // Keys only: a limit's count and a cached answer from the account directory are not kept past minutes.
    shared: { limits: strip(redis.limits), cached: strip(redis.caches) },
  };
}

export interface ForgetReport {
  dryRun: boolean;
  /** How many of each were removed (or, in a dry run, would be); `mentions` and `filesRedacted` are others' records that keep everything but the person. */
  erased: Record<string, number>;
  /** A dry run: what exactly would go, and whose records would keep everything but the person. */
  wouldErase?: { conversations: string[]; tickets: string[]; files: string[]; redis: string[]; redacted: { conversations: string[]; tickets: string[]; files: string[] } };
  /** Tickets that reached the centre's ticket system (a mailbox, a webhook): erase them there. */
  deliveredElsewhere: Array<{ reference: string; deliveredTo: string[]; deliveredAt: string | null }>;
  /** SQLite only: false when a reader kept the write-ahead log busy; run forget again when it is quiet. */
  compacted: boolean;
}

/** One line for the question on a terminal: how much of each would go. */
export function summary(plan: ErasurePlan, files: FilePlan, redis: { limits: string[]; caches: string[] }): string {
  const r = plan.rows;
  return (
    `${plan.conversations.length} conversations, ${plan.tickets.length} tickets, ${r.watches} watches, ${r.links} links, ${r.proofs} proofs, ` +
    `${files.remove.length} files, ${redis.limits.length + r.limits} limits and ${redis.caches.length} cached answers would be erased; ` +
    `${plan.redacted.conversations.length + plan.redacted.tickets.length + files.redact.length} records of others would keep everything but the person`
  );
}

async function deliveredElsewhere(db: SqlDb, references: string[]) {
  const out: ForgetReport['deliveredElsewhere'] = [];
  for (const reference of references) {
    const rows = await db.all<{ sink: string; delivered_at: number }>('SELECT sink, delivered_at FROM ticket_deliveries WHERE reference = $1 ORDER BY sink', [reference]);
    const elsewhere = rows.filter((x) => x.sink !== 'file');
    if (elsewhere.length) out.push({ reference, deliveredTo: elsewhere.map((x) => x.sink), deliveredAt: new Date(Math.max(...elsewhere.map((x) => Number(x.delivered_at)))).toISOString() });
  }
  return out;
}

/**
 * Erases the person. `confirm` is asked with a summary before anything changes (a terminal); without
 * it the caller has confirmed already (--yes). A dry run changes nothing.
 */
export async function forgetPerson(deps: PrivacyDeps, given: Person, options: { dryRun?: boolean; confirm?: (summary: string) => Promise<boolean> } = {}): Promise<ForgetReport | undefined> {
  const { store, plan, files, redis } = await survey(deps, given);
  const elsewhere = await deliveredElsewhere(deps.db, plan.tickets);
  if (options.dryRun) {
    const r = plan.rows;
    return {
      dryRun: true,
      erased: { conversations: plan.conversations.length, tickets: plan.tickets.length, ...r, limits: r.limits + redis.limits.length, caches: redis.caches.length, files: files.remove.length },
      wouldErase: {
        conversations: plan.conversations,
        tickets: plan.tickets,
        files: files.remove,
        redis: [...redis.limits, ...redis.caches],
        redacted: { ...plan.redacted, files: files.redact.map((f) => f.file) },
      },
      deliveredElsewhere: elsewhere,
      compacted: true,
    };
  }
  if (options.confirm && !(await options.confirm(summary(plan, files, redis)))) return undefined;
  const erased: Record<string, number> = { ...(await store.erase(plan)), caches: 0, files: 0, filesRedacted: 0 };
  for (const f of files.remove) if (await unlink(f).then(() => true, () => false)) erased.files! += 1;
  for (const f of files.redact) if (await writeFile(f.file, f.text, { mode: 0o600 }).then(() => true, () => false)) erased.filesRedacted! += 1;
  if (deps.redis) {
    if (redis.limits.length) erased.limits! += await deps.redis.del(...redis.limits);
    if (redis.caches.length) erased.caches = await deps.redis.del(...redis.caches);
  }
  const compacted = deps.db instanceof SqliteDb ? await deps.db.checkpoint() : true;
  deps.audit.info('personal data erased', {
    code: 'privacy.forget',
    operator: os.userInfo().username,
    ...erased,
    deliveredElsewhere: elsewhere.map((t) => t.reference).join(' '),
    compacted,
  });
  return { dryRun: false, erased, deliveredElsewhere: elsewhere, compacted };
}

export interface PrivacyIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** A question on the terminal, answered yes or no; absent when there is no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean>;
}

/** The command: exit 0 done, 1 not confirmed, 2 bad input or nobody to confirm (one line on stderr). */
export async function privacyCommand(args: string[], io: PrivacyIo, config: Config, audit: Logger, channels: readonly AnyChannelPlugin[] = CHANNELS): Promise<number> {
  const parsed = personFromArgs(args, channels);
  if ('error' in parsed) {
    io.err(`2fa-helpdesk: ${parsed.error}\n`);
    return 2;
  }
  const asking = parsed.command === 'forget' && !parsed.dryRun && !parsed.yes;
  if (asking && !io.confirm) {
    io.err('2fa-helpdesk: privacy forget erases for good and there is no terminal to confirm on: add --yes, or --dry-run to see what would go\n');
    return 2;
  }
  const { SqlStore } = await import('../adapters/sql/store.ts');
  const store = await SqlStore.open(await openDatabase(config, audit));
  const shared = config.REDIS_URL
    ? await (await import('../adapters/redis.ts')).openRedis(config.REDIS_URL, audit, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, connectTimeoutMs: config.REDIS_CONNECT_TIMEOUT_MS })
    : undefined;
  try {
    // The client itself: an erasure that cannot reach Redis fails and says so, it does not fall back.
    const deps: PrivacyDeps = { config, db: store.db, redis: shared?.client, audit, channels };
    if (parsed.command === 'export') {
      const { flows } = loadFlowsOrThrow(config.FLOWS_DIR);
      const words = centreWords(config);
      deps.transcript = (snapshot) => renderTranscript(flows, words, snapshot, snapshot.lang, 'person');
    }
    if (parsed.command === 'export') {
      io.out(`${JSON.stringify(await exportPerson(deps, parsed.person), null, 2)}\n`);
      return 0;
    }
    const confirm = asking ? (s: string) => io.confirm!(`${s}.\nErase for good? [y/N] `) : undefined;
    const report = await forgetPerson(deps, parsed.person, { dryRun: parsed.dryRun, ...(confirm ? { confirm } : {}) });
    if (!report) {
      io.err('2fa-helpdesk: nothing erased\n');
      return 1;
    }
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } finally {
    await shared?.close();
    await store.close();
  }
}
