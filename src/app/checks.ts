// The checks and what they measure with, built from the checks slice (CLOCK_*, CODE_*, TOKEN_*,
// TWOFA_EXEMPT_*, DNS_*, NTP_*): the DNS resolver, the NTP reference, and a check runner that
// counts every outcome.
import { getServers } from 'node:dns';
import { parseHostPort, type Config } from '../config.ts';
import type { HostPort } from '../ports/net.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { RateLimits } from '../ports/limits.ts';
import type { Clock } from '../ports/time.ts';
import { createCheckRunner, type CheckRunner } from '../checks/index.ts';
import type { CheckDeps, CheckSettings } from '../checks/context.ts';
import { DnsResolver } from '../adapters/dns.ts';
import { UpstreamGuard } from '../adapters/limits.ts';
import { NtpReference } from '../adapters/ntp-reference.ts';
import type { Backends } from './backend.ts';

export interface ChecksPart {
  checks: CheckRunner;
  deps: CheckDeps;
  reference: NtpReference;
}

export interface ChecksContext {
  backends: Backends;
  limits: RateLimits;
  clock: Clock;
  log: Logger;
  metrics: Pick<Metrics, 'count'>;
  /** Wait for the first NTP answer (diagnose does; serve samples in the background). */
  waitForNtp: boolean;
}

export function checkSettings(config: Config): CheckSettings {
  return {
    clockDriftingSeconds: config.CLOCK_DRIFTING_SECONDS,
    clockSkewedSeconds: config.CLOCK_SKEWED_SECONDS,
    codeValidSteps: config.CODE_VALID_STEPS,
    codeSearchSteps: config.CODE_SEARCH_STEPS,
    tokenPendingMinutes: config.TOKEN_PENDING_MINUTES,
    tokenOverdueMinutes: config.TOKEN_OVERDUE_MINUTES,
    typingDelaySeconds: config.TYPING_DELAY_SECONDS,
    exemptDomains: config.TWOFA_EXEMPT_DOMAINS,
    exemptNetworks: config.TWOFA_EXEMPT_NETWORKS,
    codeChecksPerMinute: config.CODE_CHECKS_PER_MINUTE,
  };
}

function systemDnsServers(): HostPort[] {
  return getServers()
    .map((s) => parseHostPort(s, 53))
    .filter((s): s is HostPort => s !== undefined);
}

export async function createChecks(config: Config, ctx: ChecksContext, cleanups: Array<() => unknown>): Promise<ChecksPart> {
  const { clock, log } = ctx;
  const dnsGuard = new UpstreamGuard({ maxConcurrent: 64, minTimeMs: 0, timeoutMs: config.DNS_TIMEOUT_MS * 3, cacheTtlMs: 30_000, clock });
  cleanups.push(() => dnsGuard.stop());
  const dns = new DnsResolver({
    servers: config.DNS_SERVERS.length ? config.DNS_SERVERS : systemDnsServers(),
    timeoutMs: config.DNS_TIMEOUT_MS,
    guard: dnsGuard,
    clock,
  });
  const reference = new NtpReference({
    servers: config.NTP_SERVERS,
    clock,
    log,
    intervalMs: config.NTP_INTERVAL_SECONDS * 1000,
    maxAgeMs: Math.max(config.NTP_INTERVAL_SECONDS * 3000, 15 * 60_000),
    replyTimeoutMs: config.NTP_TIMEOUT_MS,
  });
  cleanups.push(() => reference.stop());
  if (ctx.waitForNtp) await reference.start();
  else void reference.start();

  const deps: CheckDeps = {
    accounts: ctx.backends.accounts,
    tokens: ctx.backends.tokens,
    reference,
    dns,
    clock,
    settings: checkSettings(config),
    codeAttempts: ctx.limits.limiter('code-checks', config.CODE_CHECKS_PER_MINUTE, 60_000),
  };
  const bare = createCheckRunner(deps, config.CHECK_TIMEOUT_MS, (id, err) => log.error('check fault', { code: 'check.fault', check: id, err }));
  const checks: CheckRunner = {
    async run(id, input) {
      const out = await bare.run(id, input);
      ctx.metrics.count('helpdesk_checks_total', { check: id, code: out.result.code });
      return out;
    },
  };
  return { checks, deps, reference };
}
