// The account's facts lead where words would route wrongly: before a question that has `facts:`
// (the topic's opening question), the account and then the token of a known username are looked up,
// and an outcome listed there goes elsewhere ("you have no token yet" → the setup from its start).
// Pure: it says what to do (look something up, go somewhere, or nothing); walk.ts does it.
import type { CheckId } from '../checks/catalogue.ts';
import type { FactsLead } from '../flows/schema.ts';
import type { Finding } from './snapshot.ts';
import type { Turn } from './turn.ts';

/** Facts older than this are looked up again: a pending token may be active by now. */
export const FACTS_FRESH_MS = 5 * 60_000;

export type LeadDecision = { kind: 'check'; check: CheckId } | { kind: 'go'; go: string; code: string } | undefined;

function fresh(t: Turn, id: CheckId): Finding | undefined {
  const f = t.s.findings.find((x) => x.id === id);
  return f && t.env.now - f.at <= FACTS_FRESH_MS ? f : undefined;
}

/**
 * What the facts say before this question is asked. Nothing when no username is known, or when the
 * channel cannot vouch for the person and they have not proven the account is theirs: a stranger
 * learns nothing about an account here that the flows would not tell them.
 */
export function leadByFacts(t: Turn, facts: FactsLead | undefined): LeadDecision {
  if (!facts || !t.s.subject.user) return undefined;
  const identity = t.s.subject.identity;
  if (t.env.requireProof && (identity === undefined || identity === 'claimed')) return undefined;
  const account = fresh(t, 'account');
  if (!account) return { kind: 'check', check: 'account' };
  if (facts[account.code]) return { kind: 'go', go: facts[account.code]!.go, code: account.code };
  if (account.code !== 'account.found' || !Object.keys(facts).some((c) => c.startsWith('token.'))) return undefined;
  const token = fresh(t, 'token');
  if (!token) return { kind: 'check', check: 'token' };
  return facts[token.code] ? { kind: 'go', go: facts[token.code]!.go, code: token.code } : undefined;
}
