// Accounts from an LDAP directory (OpenLDAP, 389-DS): found by username or e-mail through the
// configured filters, with every value escaped (RFC 4515), so `*)(uid=*` matches nothing.
// shadowExpire (days since 1970) → expired; a password policy's lock (pwdAccountLockedTime) →
// locked; a login shell in LDAP_NOLOGIN_SHELLS → suspended. Every search passes the guard (limiter,
// timeout, cache, single-flight); a directory that does not answer is `unavailable`.
import { describeError } from '../errors.ts';
import { Filter, type Entry } from 'ldapts';
import type { Account, AccountDirectory } from '../ports/account-directory.ts';
import type { Upstream, CacheSubject } from '../ports/upstream.ts';
import { oneOf } from './cache-keys.ts';
import type { Logger } from '../ports/logger.ts';
import type { Clock } from '../ports/time.ts';
import type { UpstreamGuard } from './limits.ts';
import { first, generalizedTime, type LdapConnection } from './ldap-connection.ts';

export interface LdapAttributes {
  username: string;
  email: string;
  expire: string;
  shell: string;
  locked: string;
}

export interface LdapAccountsOptions {
  connection: LdapConnection;
  guard: UpstreamGuard;
  baseDn: string;
  userFilter: string;
  emailFilter: string;
  nologinShells: string[];
  attributes: LdapAttributes;
  clock: Clock;
  log: Logger;
  /** Read in the same search (the otp overlay's oathTOTPToken), so the token registry needs no search of its own for the person. */
  extraAttributes?: string[];
}

const DAY_MS = 86_400_000;

/** Fills `{name}` in a filter template with an escaped value (RFC 4515). */
export function fillFilter(template: string, name: string, value: string): string {
  return template.split(`{${name}}`).join(Filter.escape(value));
}

export class LdapAccounts implements AccountDirectory {
  /** Is a cached search (its guard key) about these accounts or addresses? */
  static ownsCacheKey(key: string, who: CacheSubject): boolean {
    const [kind, ...rest] = key.split(':');
    const value = rest.join(':');
    return (kind === 'account' && oneOf(value, who.users)) || (kind === 'email' && oneOf(value, who.emails));
  }

  constructor(private readonly o: LdapAccountsOptions) {}

  async forget(who: CacheSubject): Promise<void> {
    await this.o.guard.forget((key) => LdapAccounts.ownsCacheKey(key, who));
  }

  private get wanted(): string[] {
    const a = this.o.attributes;
    return [a.username, a.email, a.expire, a.shell, a.locked, ...(this.o.extraAttributes ?? [])];
  }

  /** One search under the guard; the cache key names the account (so a hook can forget it). */
  private find(key: string, filter: string, sizeLimit: number): Promise<Upstream<Entry[]>> {
    return this.o.guard
      .run(
        key,
        async (): Promise<Upstream<Entry[]>> => {
          try {
            const entries = await this.o.connection.search(this.o.baseDn, { scope: 'sub', filter, attributes: this.wanted, sizeLimit });
            return { ok: true, value: entries };
          } catch (err) {
            return this.unavailable(describeError(err));
          }
        },
        (r) => r.ok,
      )
      .catch((err: unknown) => this.unavailable(describeError(err)));
  }

  /** An attribute the directory gave in a form it should not have (read as absent): said, with its name only. */
  private malformed(attribute: string): void {
    this.o.log.warn('LDAP entry has an attribute that cannot be read', { code: 'upstream.malformed', detail: attribute });
  }

  private unavailable(detail: string): { ok: false; reason: 'unavailable'; detail: string } {
    this.o.log.warn('LDAP directory unavailable', { code: 'upstream.unavailable', detail });
    return { ok: false, reason: 'unavailable', detail: `accounts: ${detail}` };
  }

  toAccount(entry: Entry): Account | undefined {
    const a = this.o.attributes;
    const username = first(entry, a.username);
    if (!username) return undefined;
    const expireRaw = first(entry, a.expire);
    const days = Number(expireRaw);
    if (expireRaw !== undefined && !/^-?\d+$/.test(expireRaw)) this.malformed(a.expire);
    // shadowExpire -1 (or absent) means "never"; 0 and up are days since 1970.
    const expiresMs = Number.isInteger(days) && days >= 0 ? days * DAY_MS : undefined;
    const lockedRaw = first(entry, a.locked);
    // ppolicy's "000001010000Z" means locked for good (until an administrator unlocks it).
    const lockedAt = lockedRaw === '000001010000Z' ? null : generalizedTime(lockedRaw);
    if (lockedRaw && lockedRaw !== '000001010000Z' && !lockedAt) this.malformed(a.locked);
    const shell = first(entry, a.shell);
    const base = { username, email: first(entry, a.email) ?? '', expiresAt: expiresMs === undefined ? null : new Date(expiresMs).toISOString() };
    if (lockedRaw) return { ...base, status: 'locked', lockedAt: lockedAt ?? null, inactiveReason: 'password-policy' };
    if (expiresMs !== undefined && expiresMs <= this.o.clock.now()) return { ...base, status: 'expired', inactiveReason: 'expired' };
    if (shell && this.o.nologinShells.includes(shell)) return { ...base, status: 'suspended', inactiveReason: 'nologin-shell' };
    return { ...base, status: 'active' };
  }

  /** The person's entries by username: one cached search, shared with the otp overlay's token registry. */
  entriesFor(username: string): Promise<Upstream<Entry[]>> {
    return this.find(`account:${username}`, fillFilter(this.o.userFilter, 'username', username), 2);
  }

  async getAccount(username: string): Promise<Upstream<Account>> {
    const r = await this.entriesFor(username);
    if (!r.ok) return r;
    const accounts = r.value.map((e) => this.toAccount(e)).filter((x): x is Account => x !== undefined);
    const [one] = accounts;
    if (!one) return { ok: false, reason: 'not-found', detail: 'accounts: no entry' };
    // Two entries for one username is a directory fault, not a person to guess between.
    if (accounts.length > 1) return this.unavailable('more than one entry for that username');
    return { ok: true, value: one };
  }

  async findAccountsByEmail(email: string): Promise<Upstream<Account[]>> {
    const r = await this.find(`email:${email.toLowerCase()}`, fillFilter(this.o.emailFilter, 'email', email), 20);
    if (!r.ok) return r;
    return { ok: true, value: r.value.map((e) => this.toAccount(e)).filter((x): x is Account => x !== undefined) };
  }
}
