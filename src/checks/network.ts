// Is two-factor required from the person's address? The centre's rule: it is, from outside Sweden or
// from a network without working forward and reverse DNS. So exempt needs forward-confirmed reverse
// DNS *and* either a confirmed name in an exempt domain or an address in an exempt network.
import type { DnsLookup } from '../ports/dns.ts';
import type { CheckCode, CheckStatus } from '../ports/checks.ts';
import type { CheckDeps, CheckInput, CheckOutput } from './context.ts';
import { result } from './context.ts';
import { inCidr, isPrivate, parseIpAddress, type ParsedIp } from './ip.ts';
import { z } from 'zod';
import { defineCheck } from './define.ts';

// Real addresses have one to a few names; the cap bounds the forward lookups one check can cause.
const MAX_NAMES = 16;

function inDomain(name: string, domain: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return d.startsWith('.') ? name.endsWith(d) : name === d || name.endsWith(`.${d}`);
}

function sameAddress(ip: ParsedIp, candidate: string): boolean {
  const c = parseIpAddress(candidate);
  return c !== undefined && c.family === ip.family && c.value === ip.value;
}

export async function networkCheck(deps: CheckDeps, input: CheckInput): Promise<CheckOutput> {
  const lang = input.lang;
  const ip = input.ip ? parseIpAddress(input.ip) : undefined;
  const out = (code: CheckCode, status: CheckStatus, data: { ptr?: string[]; confirmedName?: string | null; twoFactorRequired: boolean; reason: string }) => ({
    result: result('network', code, status, { ip: ip?.text ?? input.ip ?? null, ptr: [], confirmedName: null, ...data }, lang),
  });
  if (!ip) return out('network.dns-error', 'unknown', { twoFactorRequired: true, reason: 'no valid address to check' });
  if (isPrivate(ip)) {
    return out('network.private', 'unknown', { twoFactorRequired: true, reason: 'a private, loopback or shared (CGNAT) address is not where a person connects from on the internet' });
  }
  const exemptNetwork = deps.settings.exemptNetworks.find((c) => inCidr(ip, c));

  const reverse = await deps.dns.reverse(ip.text);
  if (!reverse.ok && reverse.reason !== 'not-found') {
    return out('network.dns-error', 'unknown', { twoFactorRequired: true, reason: `reverse DNS failed (${reverse.reason}); two-factor is assumed` });
  }
  const names = (reverse.ok ? reverse.value : []).map((n) => n.toLowerCase().replace(/\.$/, '')).slice(0, MAX_NAMES);
  if (names.length === 0) {
    const inside = exemptNetwork ? ` (it is in the exempt network ${exemptNetwork.text}, but without working DNS that does not count)` : '';
    return out('network.no-ptr', 'warn', { twoFactorRequired: true, reason: `the address has no reverse DNS name${inside}` });
  }

  const forwards: DnsLookup[] = await Promise.all(names.map((n) => deps.dns.forward(n, ip.family)));
  const confirmed = names.filter((_, i) => {
    const f = forwards[i];
    return f?.ok === true && f.value.some((v) => sameAddress(ip, v));
  });
  if (confirmed.length === 0) {
    const allFailed = forwards.every((f) => !f.ok && f.reason !== 'not-found');
    if (allFailed) return out('network.dns-error', 'unknown', { ptr: names, twoFactorRequired: true, reason: 'forward DNS failed for every name; two-factor is assumed' });
    return out('network.mismatch', 'warn', { ptr: names, twoFactorRequired: true, reason: 'no reverse DNS name resolves back to the address' });
  }
  const exemptName = confirmed.find((n) => deps.settings.exemptDomains.some((d) => inDomain(n, d)));
  if (exemptName) {
    return out('network.exempt', 'pass', { ptr: names, confirmedName: exemptName, twoFactorRequired: false, reason: `forward-confirmed name ${exemptName} is in an exempt domain` });
  }
  if (exemptNetwork) {
    return out('network.exempt', 'pass', {
      ptr: names,
      confirmedName: confirmed[0] ?? null,
      twoFactorRequired: false,
      reason: `the address is in the exempt network ${exemptNetwork.text}, with working forward and reverse DNS (${confirmed[0]})`,
    });
  }
  return out('network.outside', 'warn', {
    ptr: names,
    confirmedName: confirmed[0] ?? null,
    twoFactorRequired: true,
    reason: `the name ${confirmed[0]} is outside the exempt domains (${deps.settings.exemptDomains.join(', ')})`,
  });
}

const NETWORK_CODES = ['network.exempt', 'network.outside', 'network.no-ptr', 'network.mismatch', 'network.private', 'network.dns-error'] as const;
declare module '../ports/checks.ts' {
  interface CheckKinds {
    network: typeof NETWORK_CODES;
  }
}

export const NetworkData = z.object({
  ip: z.string().nullable(),
  ptr: z.array(z.string()),
  confirmedName: z.string().nullable(),
  twoFactorRequired: z.boolean(),
  reason: z.string(),
});

export const network = defineCheck({
  id: 'network',
  codes: NETWORK_CODES,
  data: NetworkData,
  fields: ['ip', 'ptr', 'confirmedName', 'twoFactorRequired', 'reason'],
  // A reverse lookup, then a forward lookup of each name: two DNS round trips.
  timeoutMs: 10_000,
  inReport: (input) => Boolean(input.ip),
  undecided: (input, reason) => ({
    result: result('network', 'network.dns-error', 'unknown', { ip: input.ip ?? null, ptr: [], confirmedName: null, twoFactorRequired: true, reason }, input.lang),
  }),
  run: networkCheck,
});
