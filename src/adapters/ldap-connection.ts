// One reused, bound LDAP connection (ldapts) for the account directory and the otp overlay's tokens.
// A connection that fails is dropped and the next call connects afresh, so a directory server that
// went away and came back needs no restart. The bind password lives only in this object: it is never
// logged, and an error about the bind names the DN, not the password.
import { readFileSync } from 'node:fs';
import { Client, type Entry, type SearchOptions } from 'ldapts';
import { HelpdeskError, isHelpdeskError } from '../errors.ts';
import type { UpstreamObserver } from '../ports/metrics.ts';
import { timedRequest } from './upstream-timing.ts';

export interface LdapConnectionOptions {
  url: string;
  bindDn?: string | undefined;
  bindPassword?: string | undefined;
  startTls: boolean;
  caFile?: string | undefined;
  /** Each operation's own limit (connect included); keep it within the check's budget. */
  timeoutMs: number;
  /** Told of each search (connecting and binding included when it needs them). */
  observe?: UpstreamObserver | undefined;
}

export class LdapConnection {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly tls: { ca?: Buffer[]; servername?: string };

  constructor(private readonly o: LdapConnectionOptions) {
    const host = new URL(o.url).hostname;
    this.tls = { ...(o.caFile ? { ca: [readFileSync(o.caFile)] } : {}), ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }) };
  }

  private async open(): Promise<Client> {
    const client = new Client({
      url: this.o.url,
      timeout: this.o.timeoutMs,
      connectTimeout: this.o.timeoutMs,
      ...(this.o.url.startsWith('ldaps:') ? { tlsOptions: this.tls } : {}),
    });
    try {
      if (this.o.startTls) await client.startTLS(this.tls);
      if (this.o.bindDn) await client.bind(this.o.bindDn, this.o.bindPassword ?? '');
      return client;
    } catch (err) {
      await client.unbind().catch(() => undefined);
      throw new HelpdeskError('upstream.unavailable', describe(err, this.o.bindDn));
    }
  }

  private async connected(): Promise<Client> {
    if (this.client?.isConnected) return this.client;
    this.client = undefined;
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    this.client = await this.connecting;
    return this.client;
  }

  /** A search; any failure drops the connection (the next call opens a new one) and says why, plainly. */
  search(base: string, options: SearchOptions): Promise<Entry[]> {
    return timedRequest(this.o.observe, 'search', () => this.searchOnce(base, options));
  }

  private async searchOnce(base: string, options: SearchOptions): Promise<Entry[]> {
    let client: Client | undefined;
    try {
      client = await this.connected();
      const { searchEntries } = await client.search(base, options);
      return searchEntries;
    } catch (err) {
      // "No such object" for a base entry is an answer (nothing there), not a fault.
      if ((err as { code?: number }).code === 32) return [];
      if (client && this.client === client) {
        this.client = undefined;
        await client.unbind().catch(() => undefined);
      }
      throw isHelpdeskError(err) ? err : new HelpdeskError('upstream.unavailable', describe(err, this.o.bindDn));
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.unbind().catch(() => undefined);
  }
}

/** An error's kind and LDAP code, without anything the server echoed back (it may quote credentials). */
function describe(err: unknown, bindDn: string | undefined): string {
  const e = err as { name?: string; code?: number; message?: string };
  if (e.name === 'InvalidCredentialsError' || e.code === 49) return `LDAP bind as ${bindDn ?? '(anonymous)'} refused: invalid credentials`;
  const code = typeof e.code === 'number' ? ` (LDAP result ${e.code})` : '';
  const kind = e.name && e.name !== 'Error' ? e.name : /timeout|timed out/i.test(e.message ?? '') ? 'timeout' : (e.message ?? 'error').split('\n')[0]?.slice(0, 120);
  return `LDAP ${kind}${code}`;
}

/** The first value of an attribute as text, or undefined. An absent attribute comes back as `[]`, which is truthy. */
export function first(entry: Entry, name: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : entry[key];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined || one === null) return undefined;
  const s = Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
  return s === '' ? undefined : s;
}

/** LDAP GeneralizedTime (`20261128120000Z`, `20261128120000.5+0100`) as ISO 8601, or undefined. */
export function generalizedTime(value: string | undefined): string | undefined {
  const m = value?.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,]\d+)?(Z|[+-]\d{4})$/);
  if (!m) return undefined;
  const zone = m[7] === 'Z' ? 'Z' : `${m[7]?.slice(0, 3)}:${m[7]?.slice(3)}`;
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5] ?? '00'}:${m[6] ?? '00'}${zone}`);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}
