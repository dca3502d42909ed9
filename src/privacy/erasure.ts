// Whose a record is, for export and erasure (GDPR articles 15 and 17), as pure functions over stored
// JSON: the store, the ticket files, the demo mailbox and the shared limits all ask the same
// questions. A record is the person's own when everything that identifies it points to them; a
// record that also identifies someone else (a web page two people used), or only names the person
// in someone's words ("my colleague dave has the same problem"), is the other's: it stays, with the
// person's name, addresses and platform ids replaced by `[erased]` in every field.
import { platformIds, type NamedChannelPeople, type Person } from '../ports/personal-data.ts';

/** What a redacted name or address becomes in someone else's record (as a code becomes "[code]"). */
export const ERASED = '[erased]';

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The channels' conversation-id formats, as their plugins declare them: whom an id names. */
export class ChannelIds {
  private readonly byName: Map<string, NamedChannelPeople>;

  constructor(readonly channels: readonly NamedChannelPeople[]) {
    this.byName = new Map(channels.map((c) => [c.channel, c]));
  }

  private split(id: string): { channel: NamedChannelPeople; rest: string } | undefined {
    const cut = id.indexOf(':');
    const channel = cut < 0 ? undefined : this.byName.get(id.slice(0, cut));
    return channel ? { channel, rest: id.slice(cut + 1) } : undefined;
  }

  /** Whom a conversation id names (a platform id or an account); a channel that declares nobody names nobody. */
  owner(id: string): string | undefined {
    const c = this.split(id);
    return c?.channel.owner?.(c.rest);
  }

  /** The platform id a conversation id names, with its channel (not an account). */
  platformOwner(id: string): { channel: string; id: string } | undefined {
    const c = this.split(id);
    const owner = c?.channel.id ? c.channel.owner?.(c.rest) : undefined;
    return c && owner !== undefined ? { channel: c.channel.channel, id: owner } : undefined;
  }

  /** The conversations an account has where the id is the account. */
  accountConversations(account: string): string[] {
    return this.channels.filter((c) => c.accountIds).map((c) => `${c.channel}:${account}`);
  }

  /** The session a conversation's per-key limits are keyed by, when its channel keys them so. */
  session(id: string): string | undefined {
    const c = this.split(id);
    return c?.channel.sessionLimits ? c.rest : undefined;
  }

  /** The channels whose people have platform ids, by name (each with none yet). */
  emptyIds(): Record<string, string[]> {
    return Object.fromEntries(this.channels.filter((c) => c.id).map((c) => [c.channel, [] as string[]]));
  }
}

/** The person as the questions need them: every identifier, and a whole-word pattern for free text. */
export class Who {
  private readonly ids: Set<string>;
  /** Whole words only: "I'm alice." but not "malice", "alice2" or "alice.a@example.org". */
  readonly words: RegExp | undefined;

  constructor(
    readonly person: Person,
    readonly channels: ChannelIds,
  ) {
    const all = [...person.users, ...person.emails, ...platformIds(person)];
    this.ids = new Set(all.map((x) => x.toLowerCase()));
    const alternatives = (xs: string[]) => [...xs].sort((a, b) => b.length - a.length).map(regexEscape).join('|');
    const names = [...person.users, ...person.emails];
    const platform = platformIds(person);
    // A platform id is a word in a mention too ("<@U0ALICE77>").
    const patterns = [
      ...(names.length ? [`(?<![\\p{L}\\p{N}._@-])(?:${alternatives(names)})(?![\\p{L}\\p{N}_@-]|\\.[\\p{L}\\p{N}])`] : []),
      ...(platform.length ? [`(?<![\\p{L}\\p{N}])(?:${alternatives(platform)})(?![\\p{L}\\p{N}])`] : []),
    ];
    this.words = patterns.length ? new RegExp(patterns.join('|'), 'giu') : undefined;
  }

  /** Is this identifier (a username, an address, a platform id) the person's? */
  is(x: unknown): boolean {
    return typeof x === 'string' && x !== '' && this.ids.has(x.toLowerCase());
  }

  /** Does free text name the person as a whole word? */
  named(text: string): boolean {
    return this.words !== undefined && text.search(this.words) >= 0;
  }

  redact(text: string): string {
    return this.words ? text.replace(this.words, ERASED) : text;
  }

  /** Every identifier, for finding candidate rows by text. */
  get needles(): string[] {
    return [...this.person.users, ...this.person.emails, ...platformIds(this.person)];
  }

  /** Whom a conversation id names, by its channel's declaration. */
  owner(id: string): string | undefined {
    return this.channels.owner(id);
  }
}

type Subject = { user?: unknown; email?: unknown; identity?: unknown } | undefined;

/** One person's subject (a username and an address together): theirs, someone else's, or nobody's. */
function subjectOf(who: Who, s: Subject): 'theirs' | 'other' | undefined {
  if (!s || (!s.user && !s.email)) return undefined;
  return who.is(s.user) || who.is(s.email) ? 'theirs' : 'other';
}

export type Whose = 'own' | 'shared' | 'named' | 'unrelated';

/**
 * Whose a conversation is. Its id decides when its channel says whom the id names (a platform
 * user, an account). Otherwise (a web page) its subject, the watches and proofs bound to it
 * (`bound`: the username or address of each), and `tied` (the person's own watch or proof names it):
 * the person's own when all of them point to the person, shared when someone else is among them.
 */
export function whoseConversation(who: Who, id: string, snapshot: unknown, bound: Array<{ user?: unknown; email?: unknown }>, tied: boolean): Whose {
  const platform = who.owner(id);
  const s = snapshot as { subject?: Subject } | undefined;
  const identities = [platform === undefined ? undefined : who.is(platform) ? 'theirs' : 'other', subjectOf(who, s?.subject), ...bound.map((b) => subjectOf(who, b))];
  const theirs = tied || identities.includes('theirs');
  if (platform !== undefined) return who.is(platform) ? 'own' : theirs ? 'shared' : namesIn(who, snapshot) ? 'named' : 'unrelated';
  if (theirs) return identities.includes('other') ? 'shared' : 'own';
  return namesIn(who, snapshot) ? 'named' : 'unrelated';
}

/** Whose a ticket is: its conversation's when that is known, else its subject's. */
export function whoseTicket(who: Who, ticket: unknown, conversation: Whose | undefined): Whose {
  const t = ticket as { conversationId?: string; subject?: Subject };
  if (conversation === 'own') return 'own';
  if (conversation === undefined) {
    const platform = t.conversationId ? who.owner(t.conversationId) : undefined;
    if (platform !== undefined ? who.is(platform) : subjectOf(who, t.subject) === 'theirs') return 'own';
  }
  return namesIn(who, ticket) ? 'named' : 'unrelated';
}

/** Every string in `value` (deep) that names the person or is one of their identifiers. */
export function namingStrings(who: Who, value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (who.is(value) || who.named(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) namingStrings(who, v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) namingStrings(who, v, out);
  }
  return out;
}

export const namesIn = (who: Who, value: unknown): boolean => namingStrings(who, value).size > 0;

/** `value` with the person's identifiers replaced in every string (an identifier alone becomes `[erased]`). */
export function redactDeep<T>(who: Who, value: T): T {
  if (typeof value === 'string') return (who.is(value) ? ERASED : who.redact(value)) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(who, v)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(who, v)])) as T;
  return value;
}

/**
 * Someone else's conversation without the person: their subject fields, slots and pending proof go
 * (a conversation must not go on as `[erased]`), every other string is redacted.
 */
export function redactConversation(who: Who, snapshot: unknown): unknown {
  const s = structuredClone(snapshot) as { subject?: Record<string, unknown>; slots?: Record<string, { v?: unknown } | undefined>; proofFor?: unknown };
  if (s.subject && (who.is(s.subject.user) || who.is(s.subject.email))) {
    for (const k of ['user', 'email', 'identity']) delete s.subject[k];
  }
  for (const k of ['username', 'email']) if (s.slots && who.is(s.slots[k]?.v)) delete s.slots[k];
  if (who.is(s.proofFor)) delete s.proofFor;
  return redactDeep(who, s);
}

/**
 * Is a per-key limit (`name:key`, in Redis or PostgreSQL) the person's: keyed by their account or
 * address, one of their own conversations (or the session its channel keys limits by), their
 * platform origin (`<channel>:<their id>`), an address they connected from, or "account|requester".
 */
export function isTheirLimit(who: Who, key: string, own: { conversations: Iterable<string>; addresses: Iterable<string> }): boolean {
  const cut = key.indexOf(':');
  const rest = cut < 0 ? key : key.slice(cut + 1);
  const mine = new Set<string>();
  for (const c of own.conversations) {
    mine.add(c.toLowerCase());
    const session = who.channels.session(c);
    if (session !== undefined) mine.add(session.toLowerCase());
  }
  for (const a of own.addresses) mine.add(a.toLowerCase());
  for (const [channel, ids] of Object.entries(who.person.ids)) for (const x of ids) mine.add(`${channel}:${x}`.toLowerCase());
  const [account, requester] = rest.split('|');
  return who.is(rest) || mine.has(rest.toLowerCase()) || (requester !== undefined && (who.is(account) || mine.has(requester.toLowerCase())));
}
