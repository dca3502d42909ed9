// What is left of network details once the network check no longer needs them: an address becomes
// its /24 (IPv4) or /48 (IPv6), DNS names that would give the address away are dropped, and
// addresses a person typed into the transcript are truncated the same way.
import { fieldOf } from '../checks/define.ts';
import { parseIpAddress } from '../checks/ip.ts';
import { network } from '../checks/network.ts';

/** 192.0.2.10 → 192.0.2.0/24; 2001:db8:1:2::5 → 2001:db8:1::/48; anything else unchanged. */
export function truncateAddress(text: string): string {
  const ip = parseIpAddress(text);
  if (!ip) return text;
  if (ip.family === 4) return `${ip.text.split('.').slice(0, 3).join('.')}.0/24`;
  const groups = (ip.value >> 80n).toString(16).padStart(12, '0').match(/.{4}/g) ?? [];
  return `${groups.map((g) => g.replace(/^0{1,3}/, '')).join(':')}::/48`;
}

// IPv4 dotted quads and IPv6 forms with at least two colons; each candidate is confirmed by parsing.
const ADDRESS_IN_TEXT = /\b(?:\d{1,3}\.){3}\d{1,3}\b|(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}/gi;

export function truncateAddressesInText(text: string): string {
  return text.replace(ADDRESS_IN_TEXT, (m) => (parseIpAddress(m) ? truncateAddress(m) : m));
}

interface WithNetwork {
  subject: { ip?: string | undefined };
  findings: Array<{ id: string; data: Record<string, unknown> }>;
  transcript?: Array<[number, string, string]>;
}

/** True when `s` still holds a raw address (in the subject, a network finding or what the person typed). */
export function holdsAddress(s: WithNetwork): boolean {
  if (s.subject.ip) return true;
  if (s.findings.some((f) => f.id === 'network' && (isRaw(fieldOf(network, f, 'ip')) || hasNames(f)))) return true;
  return (s.transcript ?? []).some(([, who, text]) => who === 'u' && truncateAddressesInText(text) !== text);
}

const isRaw = (ip: string | null | undefined) => ip != null && !ip.includes('/') && parseIpAddress(ip) !== undefined;
const hasNames = (f: WithNetwork['findings'][number]) => (fieldOf(network, f, 'ptr')?.length ?? 0) > 0 || Boolean(fieldOf(network, f, 'confirmedName'));

/** A copy without raw addresses; the shape is unchanged, so the snapshot still parses. */
export function minimiseAddresses<T extends WithNetwork>(s: T): T {
  const { ip: _ip, ...subject } = s.subject;
  return {
    ...s,
    subject,
    findings: s.findings.map((f) => {
      if (f.id !== 'network') return f;
      const ip = fieldOf(network, f, 'ip');
      return { ...f, data: { ...f.data, ip: ip != null ? truncateAddress(ip) : f.data.ip, ptr: [], confirmedName: null } };
    }),
    ...(s.transcript ? { transcript: s.transcript.map(([t, who, text]) => [t, who, who === 'u' ? truncateAddressesInText(text) : text]) } : {}),
  };
}
