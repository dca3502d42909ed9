// Tokens from OpenLDAP's otp overlay (slapo-otp, 2.5+). A user entry of class oathTOTPUser points
// (oathTOTPToken) at a token entry of class oathTOTPToken, which points (oathTOTPParams) at its
// parameters. The bot reads when a token was made, the last time step a code was accepted in
// (oathTOTPLastTimeStep), the drift the overlay learned and the period; never oathSecret (the bind
// should not be able to: see docs/back-ends.md). The overlay checks codes only inside a bind, which uses
// the code up, so this registry says it cannot verify codes (`code.unverifiable`). The person's entry
// comes from the account directory's search (LdapAccounts.entriesFor), which also reads oathTOTPToken.
import { describeError } from '../errors.ts';
import type { Entry } from 'ldapts';
import type { Token, TokenRegistry, VerifyAnswer } from '../ports/token-registry.ts';
import type { Upstream, CacheSubject } from '../ports/upstream.ts';
import { oneOf } from './cache-keys.ts';
import type { Logger } from '../ports/logger.ts';
import type { UpstreamGuard } from './limits.ts';
import { first, generalizedTime, type LdapConnection } from './ldap-connection.ts';
import { LdapAccounts } from './ldap-accounts.ts';

export interface LdapOtpTokensOptions {
  connection: LdapConnection;
  guard: UpstreamGuard;
  /** The person's entry (with oathTOTPToken), from the account directory's own cached search. */
  people: { entriesFor(username: string): Promise<Upstream<Entry[]>> };
  log: Logger;
}

const TOKEN_ATTRIBUTES = ['oathTOTPParams', 'oathTOTPLastTimeStep', 'oathTOTPTimeStepDrift', 'oathFailureCount', 'oathSecretTime', 'oathTokenSerialNumber', 'createTimestamp'];
const PARAM_ATTRIBUTES = ['oathTOTPTimeStepPeriod', 'oathTOTPTimeStepDrift', 'oathThrottleLimit'];

const int = (v: string | undefined): number | undefined => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined);

/** Parameter entries are shared by many tokens and rarely change: read each once in this long. */
const PARAMS_TTL_MS = 5 * 60_000;

export class LdapOtpTokens implements TokenRegistry {
  /**
   * Is a cached answer (its guard key) about these accounts: a token listing, or the people search
   * it finds a person's token entries through (under the same LDAP guard)?
   */
  static ownsCacheKey(key: string, who: CacheSubject): boolean {
    return (key.startsWith('tokens:') && oneOf(key.slice('tokens:'.length), who.users)) || LdapAccounts.ownsCacheKey(key, who);
  }

  private readonly params = new Map<string, { at: number; entry: Entry | undefined }>();

  constructor(private readonly o: LdapOtpTokensOptions) {}

  async forget(who: CacheSubject): Promise<void> {
    await this.o.guard.forget((key) => LdapOtpTokens.ownsCacheKey(key, who));
  }

  private async paramsOf(dn: string): Promise<Entry | undefined> {
    const hit = this.params.get(dn);
    if (hit && Date.now() - hit.at < PARAMS_TTL_MS) return hit.entry;
    const [entry] = await this.read(dn, 'base', '(objectClass=oathTOTPParams)', PARAM_ATTRIBUTES);
    if (this.params.size > 100) this.params.clear();
    this.params.set(dn, { at: Date.now(), entry });
    return entry;
  }

  private async read(base: string, scope: 'sub' | 'base', filter: string, attributes: string[]): Promise<Entry[]> {
    return this.o.connection.search(base, { scope, filter, attributes, sizeLimit: 2 });
  }

  /** The token entry a person's oathTOTPToken names (parameters are shared and kept apart). */
  private async lookup(tokenDn: string): Promise<Upstream<Token[]>> {
    const [token] = await this.read(tokenDn, 'base', '(objectClass=oathTOTPToken)', TOKEN_ATTRIBUTES);
    if (!token) return { ok: true, value: [] };
    const paramsDn = first(token, 'oathTOTPParams');
    const params = paramsDn ? await this.paramsOf(paramsDn) : undefined;
    const period = int(params && first(params, 'oathTOTPTimeStepPeriod')) ?? 30;
    // 2.5 reads the drift from the parameters and writes it to the token; the token's is the newer.
    const drift = int(first(token, 'oathTOTPTimeStepDrift')) ?? int(params && first(params, 'oathTOTPTimeStepDrift'));
    const lastStep = int(first(token, 'oathTOTPLastTimeStep'));
    for (const [name, entry] of [['oathTOTPLastTimeStep', token], ['oathFailureCount', token], ['oathTOTPTimeStepPeriod', params]] as const) {
      const raw = entry && first(entry, name);
      if (raw !== undefined && int(raw) === undefined) this.o.log.warn('LDAP token entry has an attribute that cannot be read', { code: 'upstream.malformed', detail: name });
    }
    const registeredAt = generalizedTime(first(token, 'oathSecretTime')) ?? generalizedTime(first(token, 'createTimestamp')) ?? new Date(0).toISOString();
    const limit = int(params && first(params, 'oathThrottleLimit'));
    const fails = int(first(token, 'oathFailureCount')) ?? 0;
    return {
      ok: true,
      value: [
        {
          id: first(token, 'oathTokenSerialNumber') ?? tokenDn,
          type: 'totp',
          state: limit !== undefined && limit > 0 && fails >= limit ? 'locked' : 'active',
          registeredAt,
          // The overlay keeps no activation time: a token entry is in force from when it exists.
          activatedAt: registeredAt,
          lastUsedAt: lastStep !== undefined && lastStep >= 0 ? new Date(lastStep * period * 1000).toISOString() : null,
          failCount: fails,
          ...(limit !== undefined && limit > 0 ? { failLimit: limit } : {}),
          driftSeconds: drift !== undefined ? drift * period : null,
          periodSeconds: period,
        },
      ],
    };
  }

  /**
   * Two searches for a person not asked about lately: their entry (shared with the account check,
   * so usually cached already) and the token entry. One after the other, never one inside the
   * other's guard slot (that could wait on itself).
   */
  async listTokens(username: string): Promise<Upstream<Token[]>> {
    const people = await this.o.people.entriesFor(username);
    if (!people.ok) return people.reason === 'unavailable' ? { ...people, detail: people.detail.replace(/^accounts:/, 'tokens:') } : people;
    const user = people.value[0];
    if (!user) return { ok: false, reason: 'not-found', detail: 'tokens: no such user' };
    const tokenDn = first(user, 'oathTOTPToken');
    if (!tokenDn) return { ok: true, value: [] };
    return this.o.guard
      .run(`tokens:${username}`, () => this.lookup(tokenDn).catch((err: unknown) => this.unavailable(describeError(err))), (r) => r.ok)
      .catch((err: unknown) => this.unavailable(describeError(err)));
  }

  async verifyCode(): Promise<Upstream<VerifyAnswer>> {
    return { ok: false, reason: 'unsupported', detail: 'the otp overlay checks a code only by a bind, which uses it up' };
  }

  private unavailable(detail: string): { ok: false; reason: 'unavailable'; detail: string } {
    this.o.log.warn('LDAP directory unavailable', { code: 'upstream.unavailable', detail });
    return { ok: false, reason: 'unavailable', detail: `tokens: ${detail}` };
  }
}
