// Mail and the hand-over to people, built from the delivery slice (SMTP_URL, MAIL_FROM, TICKET_*,
// HANDOVER_SINK, RT_*, ZAMMAD_*): the mailer, the ticket queue with its sinks (a folder, mail, a
// webhook, Request Tracker, Zammad), and the one hand-over every channel uses (queued, counted).
import path from 'node:path';
import { HelpdeskError } from '../errors.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../ports/logger.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { TicketSink, TicketStatusReader } from '../ports/tickets.ts';
import type { Clock } from '../ports/time.ts';
import type { SqlDb } from '../adapters/sql/db.ts';
import type { PrometheusMetrics } from '../adapters/metrics.ts';
import { FileMailer, SmtpMailer } from '../adapters/mailer.ts';
import { observerFor } from '../adapters/upstream-timing.ts';
import { FileTicketDelivery } from '../adapters/ticket-file.ts';
import { TicketQueue, awaitingSink, type TicketDelivery } from '../adapters/ticket-queue.ts';
import { CHANNELS } from '../channels/registry.ts';
import { MailTicketDelivery, WebhookTicketDelivery } from '../adapters/ticket-mail.ts';
import { RtTicketDelivery } from '../adapters/ticket-rt.ts';
import { ZammadTicketDelivery } from '../adapters/ticket-zammad.ts';
import type { SinkName } from '../config-handover.ts';

export interface TicketsPart {
  mailer: Mailer;
  /** The demo mailbox (no SMTP_URL): what housekeeping sweeps. */
  mailDir: string | undefined;
  tickets: TicketQueue;
  /** The queue, counted: a hand-over in helpdesk_escalations_total, a follow-up to one in helpdesk_follow_ups_total. */
  handover: TicketSink;
  /** "Any news?": the ticket's status from the sink that can tell (RT, Zammad). */
  ticketStatus: TicketStatusReader;
  /** The folders this replica writes its own files to (TICKET_DIR, the file mailbox). */
  ownFiles: string[];
}

export interface TicketsContext {
  db: SqlDb;
  clock: Clock;
  log: Logger;
  metrics: PrometheusMetrics;
  /** Replaces the mailer (benchmarks). */
  mailer?: Mailer | undefined;
}

export function createTickets(config: Config, ctx: TicketsContext, cleanups: Array<() => unknown>): TicketsPart {
  const { clock, metrics } = ctx;
  const mailDir = path.join(config.DATA_DIR, 'mail');
  const mailer: Mailer = ctx.mailer ?? (config.SMTP_URL ? new SmtpMailer(config.SMTP_URL, config.MAIL_FROM, undefined, undefined, observerFor(metrics, 'smtp')) : new FileMailer(mailDir, config.MAIL_FROM, ctx.log));
  if (mailer instanceof SmtpMailer) cleanups.push(() => mailer.close());
  const deliveries = config.HANDOVER_SINKS.map((name) => createDelivery(name, config, mailer, ctx.log));
  // A staff channel is a sink too (each hand-over posted once as a card): the channel attaches it when it starts.
  for (const name of channelSinks(config)) deliveries.push(awaitingSink(name));
  const tickets = new TicketQueue(ctx.db, deliveries, clock, ctx.log, undefined, metrics);
  tickets.start();
  cleanups.push(() => tickets.stop());
  metrics.gauge('helpdesk_tickets_waiting', 'Tickets not yet delivered to every sink', () => tickets.pendingCount());
  metrics.gauge('helpdesk_oldest_ticket_waiting_seconds', 'Age of the oldest ticket not yet delivered to every sink (0 when none waits)', async () => {
    const at = await tickets.oldestPendingAt();
    return at === undefined ? 0 : Math.max(0, (clock.now() - at) / 1000);
  });
  // As /healthz decides it: the store answers within 2 s.
  metrics.gauge('helpdesk_store_up', 'Whether the conversation store answers (1) or not (0)', () =>
    Promise.race([tickets.pendingCount().then(() => 1), new Promise<number>((resolve) => setTimeout(() => resolve(0), 2000).unref())]).catch(() => 0),
  );
  const handover: TicketSink = {
    async open(ticket, options) {
      const { reference, again } = await tickets.open(ticket, options);
      // A turn run again files nothing new, and a follow-up belongs to its ticket: neither is a hand-over.
      if (again) return { reference };
      if (ticket.relatesTo) metrics.count('helpdesk_follow_ups_total', { solved: String(ticket.solved === true) });
      else metrics.count('helpdesk_escalations_total', { urgent: String(ticket.urgent) });
      return { reference };
    },
  };
  const ownFiles = [...(config.TICKET_DIR ? [config.TICKET_DIR] : []), ...(mailer instanceof FileMailer ? [mailer.dir] : [])];
  return { mailer, mailDir: mailer instanceof FileMailer ? mailDir : undefined, tickets, handover, ticketStatus: tickets, ownFiles };
}

/** The sinks the configured channels bring (their plugins' `ticketSinks`). */
function channelSinks(config: Config): string[] {
  return CHANNELS.flatMap((plugin) => {
    const settings = plugin.config.safeParse(config);
    return settings.success && plugin.enabled(settings.data) ? (plugin.ticketSinks?.(settings.data) ?? []) : [];
  });
}

/** One sink as HANDOVER_SINK names it; the config's rules (config-handover.ts) made sure its settings are there. */
function createDelivery(name: SinkName, config: Config, mailer: Mailer, log: Logger): TicketDelivery {
  const missing = (key: string): never => {
    throw new HelpdeskError('config.invalid', `${key}: expected with HANDOVER_SINK=${name}`);
  };
  switch (name) {
    case 'file':
      return new FileTicketDelivery(config.TICKET_DIR ?? missing('TICKET_DIR'));
    case 'mail':
      return new MailTicketDelivery(mailer, { to: config.TICKET_EMAIL_TO ?? config.SUPPORT_EMAIL, centre: config.CENTRE_NAME, subjectTag: config.TICKET_MAIL_SUBJECT_TAG });
    case 'webhook':
      return new WebhookTicketDelivery(config.TICKET_WEBHOOK_URL ?? missing('TICKET_WEBHOOK_URL'));
    case 'rt':
      return new RtTicketDelivery(
        {
          url: config.RT_URL ?? missing('RT_URL'),
          queue: config.RT_QUEUE,
          auth: config.RT_TOKEN ? { token: config.RT_TOKEN } : { user: config.RT_USER ?? missing('RT_USER'), password: config.RT_PASSWORD ?? missing('RT_PASSWORD') },
          priority: config.RT_PRIORITY,
          urgentPriority: config.RT_URGENT_PRIORITY,
          followUp: config.RT_FOLLOW_UP,
          centre: config.CENTRE_NAME,
        },
        log,
      );
    case 'zammad':
      return new ZammadTicketDelivery({
        url: config.ZAMMAD_URL ?? missing('ZAMMAD_URL'),
        token: config.ZAMMAD_TOKEN ?? missing('ZAMMAD_TOKEN'),
        group: config.ZAMMAD_GROUP,
        anonymousCustomer: config.ZAMMAD_ANONYMOUS_CUSTOMER,
        centre: config.CENTRE_NAME,
        log,
      });
  }
}
