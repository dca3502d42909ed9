// How long each kind of record is kept, and the store's one method that applies it. Durations are
// milliseconds; the configuration (RETENTION_*) and the housekeeping module fill them in.
import { z } from 'zod';

export const RetentionPolicy = z.object({
  /** Conversations (transcripts, findings) idle this long; quarantined rows and finished watches of that age. */
  conversations: z.number().int().positive(),
  /** Conversations in which the person never wrote (a page loaded and left). */
  silentConversations: z.number().int().positive(),
  /** Raw IP addresses (and the DNS names that give them away) in conversations and tickets; findings keep a /24 or /48. */
  addresses: z.number().int().positive(),
  /** Tickets delivered to every sink, counted from their delivery. Undelivered tickets are kept until delivered. */
  tickets: z.number().int().positive(),
  /** Replies waiting for a web page that never came back, and when a page last asked. */
  outbox: z.number().int().positive(),
  /** Platform event ids kept to recognise a retried delivery. */
  events: z.number().int().positive(),
  /** Keyed fingerprints of TOTP codes (to tell a reused code): they matter for minutes only. */
  codes: z.number().int().positive(),
  /** How conversations ended (the report's figures); what people typed in them goes with the conversations. */
  outcomes: z.number().int().positive(),
  /** Mails written to DATA_DIR/mail when no SMTP_URL is set (the demo's mailbox). */
  mailFiles: z.number().int().positive(),
});
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

export const PURGE_KINDS = [
  'conversations',
  'silent-conversations',
  'quarantine',
  'addresses',
  'codes',
  'tickets',
  'watches',
  'outbox',
  'presence',
  'events',
  'links',
  'proofs',
  'effects',
  'rate-limits',
  'outcomes',
  'outcome-texts',
] as const;
export type PurgeKind = (typeof PURGE_KINDS)[number];
export type PurgeCounts = Record<PurgeKind, number>;

export interface Purgeable {
  /**
   * Removes (or, for addresses and codes, strips) what is older than the policy allows at `now`, in
   * small batches so no turn waits long; resolves to the rows touched per kind.
   */
  purge(policy: RetentionPolicy, now: number): Promise<PurgeCounts>;
}

/** The counter of rows (and files) the retention policy removed, by kind. */
export const PURGED_METRIC = 'helpdesk_rows_purged_total';
