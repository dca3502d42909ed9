// The log and the metrics every other module writes to, built from the LOG_* slice; every metric
// the helpdesk exports is declared here, so the list is in one place.
import type { Config } from '../config.ts';
import type { ChannelLogRules, Logger } from '../ports/logger.ts';
import { createLogger, type LogLevel } from '../adapters/logger.ts';
import type { AnyChannelPlugin } from '../channels/contract.ts';
import { CHANNELS } from '../channels/registry.ts';
import { PrometheusMetrics } from '../adapters/metrics.ts';
import { UPSTREAM_METRIC } from '../adapters/upstream-timing.ts';
import { PURGED_METRIC } from '../ports/retention.ts';

/** What the registry's channels tell the logger: their names and their platform ids' rules. */
export function channelLogRules(channels: readonly AnyChannelPlugin[] = CHANNELS): ChannelLogRules {
  return { names: channels.map((c) => c.name), scrubs: channels.flatMap((c) => c.logScrubs ?? []) };
}

/** The helpdesk's log (`level`: LOG_LEVEL unless the command says otherwise; `write`: stderr unless given). */
export function createLog(config: Config, replica: string, level: LogLevel = config.LOG_LEVEL, write?: (line: string) => void): Logger {
  return createLogger(level, write, config.DATABASE_URL ? { replica } : {}, { personalData: config.LOG_PERSONAL_DATA, channels: channelLogRules() });
}

/** The helpdesk's metrics; `processMetrics` off for one-shot commands. */
export function createMetrics(config: Config, replica: string, processMetrics: boolean): PrometheusMetrics {
  return new PrometheusMetrics({ ...(config.DATABASE_URL ? { replica } : {}), processMetrics })
    .counter('helpdesk_conversations_started_total', 'Conversations started, by channel', ['channel'])
    .counter('helpdesk_checks_total', 'Checks run, by check and outcome code', ['check', 'code'])
    .counter('helpdesk_conversation_outcomes_total', 'Conversations ended, by channel, topic, language, outcome (solved, handed, abandoned, out_of_scope) and how a solved one was solved (confirmed, code, token, answered)', ['channel', 'topic', 'lang', 'outcome', 'how'])
    .counter('helpdesk_feedback_total', 'Answers to "Did this help?", by channel, topic, language and answer (yes, no)', ['channel', 'topic', 'lang', 'helpful'])
    .counter('helpdesk_handovers_solved_by_staff_total', 'Handed-over conversations whose ticket staff later resolved or closed, by topic', ['topic'])
    .counter('helpdesk_escalations_total', 'Hand-overs to people (tickets, not their follow-ups), by urgency', ['urgent'])
    .counter('helpdesk_follow_ups_total', 'Follow-ups added to a ticket already handed over, by whether the person said it is solved', ['solved'])
    .counter('helpdesk_ticket_deliveries_total', 'Tickets and follow-ups offered to a sink, by sink and outcome (delivered, failed)', ['sink', 'outcome'])
    .counter('helpdesk_identity_proofs_total', 'Proof-of-identity requests, by outcome', ['outcome'])
    .counter(PURGED_METRIC, 'Rows (and files) removed or stripped by the retention policy, by kind', ['kind'])
    .histogram(UPSTREAM_METRIC, 'Requests to upstream services (enrollment, ldap, privacyidea, smtp, ticket-<sink>), by kind of request and outcome (answered, an HTTP status, error, timeout)', ['upstream', 'route', 'outcome'])
    .counter('helpdesk_limiter_fallback_total', 'Limits counted in this process because the shared store (Redis, PostgreSQL) failed, by limiter', ['limiter'])
    .counter('helpdesk_redis_fallbacks_total', 'Times this replica fell back to limiting and caching in this process because Redis did not answer within REDIS_COMMAND_TIMEOUT_MS or could not be reached', []);
}
