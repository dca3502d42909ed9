// The hand-over's slice of the environment: where tickets go (HANDOVER_SINK: one or more of mail, rt,
// zammad, webhook, file) and each ticket system's settings. Merged into the schema in config.ts.
import { z } from 'zod';

export const SINKS = ['mail', 'rt', 'zammad', 'webhook', 'file'] as const;
export type SinkName = (typeof SINKS)[number];

/** Keys whose values are secrets: an error about them never repeats the value. */
export const HANDOVER_SECRET_KEYS = ['RT_PASSWORD', 'RT_TOKEN', 'ZAMMAD_TOKEN'] as const;

const priority = (def: number) =>
  z.coerce.number({ error: 'a whole number from 0 to 100' }).int('a whole number from 0 to 100').min(0, 'a whole number from 0 to 100').max(100, 'a whole number from 0 to 100').default(def);

export const HandoverEnv = {
  HANDOVER_SINK: z
    .string()
    .optional()
    .transform((v) => (v === undefined ? undefined : [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))]))
    .refine((xs) => xs === undefined || (xs.length > 0 && xs.every((x) => (SINKS as readonly string[]).includes(x))), `one or more of ${SINKS.join(', ')}, separated by commas`)
    .transform((xs) => xs as SinkName[] | undefined),
  // Put before a ticket mail's subject; {reference} is the ticket's reference (a follow-up's: its ticket's).
  TICKET_MAIL_SUBJECT_TAG: z.string().min(1).max(80).refine((v) => v.includes('{reference}'), 'a tag containing {reference}, like [{reference}]').default('[{reference}]'),

  RT_URL: z.url({ protocol: /^https?$/, error: 'RT_URL: an http(s) URL of Request Tracker, like https://rt.example.org' }).optional(),
  RT_QUEUE: z.string().min(1).default('General'),
  RT_TOKEN: z.string().min(8, 'an RT auth token (Logged in as … > Settings > Auth Tokens)').optional(),
  RT_USER: z.string().min(1).optional(),
  RT_PASSWORD: z.string().min(1).optional(),
  RT_PRIORITY: priority(50),
  RT_URGENT_PRIORITY: priority(90),
  // How the person's follow-ups are added to the ticket: as comments (staff only) or correspondence.
  RT_FOLLOW_UP: z.enum(['comment', 'correspond'], { error: 'comment or correspond' }).default('comment'),

  ZAMMAD_URL: z.url({ protocol: /^https?$/, error: 'ZAMMAD_URL: an http(s) URL of Zammad, like https://zammad.example.org' }).optional(),
  ZAMMAD_TOKEN: z.string().min(8, 'a Zammad access token (Profile > Token Access)').optional(),
  ZAMMAD_GROUP: z.string().min(1).default('Users'),
  // The customer of a ticket whose person proved no address (Zammad needs one).
  ZAMMAD_ANONYMOUS_CUSTOMER: z.email({ error: 'an e-mail address' }).default('anonymous@2fa-helpdesk.invalid'),
};

const HandoverSchema = z.object(HandoverEnv);
type HandoverEnvConfig = z.infer<typeof HandoverSchema> & { SMTP_URL?: string | undefined; TICKET_WEBHOOK_URL?: string | undefined; TICKET_DIR?: string | undefined };

/**
 * The sinks tickets go to: HANDOVER_SINK, else what the older keys imply (SMTP_URL: mail,
 * TICKET_WEBHOOK_URL: webhook, TICKET_DIR: file), else files in DATA_DIR, so a first install loses none.
 */
export function handoverSinks(c: HandoverEnvConfig): SinkName[] {
  if (c.HANDOVER_SINK) return c.HANDOVER_SINK;
  const implied: SinkName[] = [...(c.TICKET_DIR ? ['file' as const] : []), ...(c.SMTP_URL ? ['mail' as const] : []), ...(c.TICKET_WEBHOOK_URL ? ['webhook' as const] : [])];
  return implied.length ? implied : ['file'];
}

/** Rules across keys; one line each, naming the key. */
export function handoverProblems(c: HandoverEnvConfig): string[] {
  const errors: string[] = [];
  const sinks = handoverSinks(c);
  if (sinks.includes('webhook') && !c.TICKET_WEBHOOK_URL) errors.push('TICKET_WEBHOOK_URL: expected with HANDOVER_SINK=webhook');
  if (sinks.includes('rt')) {
    if (!c.RT_URL) errors.push('RT_URL: expected with HANDOVER_SINK=rt');
    if (!c.RT_TOKEN && !(c.RT_USER && c.RT_PASSWORD)) errors.push('RT_TOKEN: expected RT_TOKEN, or RT_USER and RT_PASSWORD, with HANDOVER_SINK=rt');
  }
  if (c.RT_TOKEN && (c.RT_USER || c.RT_PASSWORD)) errors.push('RT_TOKEN: expected either it or RT_USER + RT_PASSWORD, not both');
  if (sinks.includes('zammad')) {
    if (!c.ZAMMAD_URL) errors.push('ZAMMAD_URL: expected with HANDOVER_SINK=zammad');
    if (!c.ZAMMAD_TOKEN) errors.push('ZAMMAD_TOKEN: expected with HANDOVER_SINK=zammad');
  }
  return errors;
}
