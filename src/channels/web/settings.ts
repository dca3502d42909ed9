// The web channel's slice of the configuration (read as src/channels/shared/settings.ts says): its
// port, where it is reached from outside, whom it believes about a client's address, its limits and
// what its pages promise. The keys' rules are checked with the rest of the environment in
// src/config.ts, which names each bad key; this slice reads what passed (the centre's name,
// PUBLIC_URL and the clock link's life come in ctx.site).
import { z } from 'zod';
import { settingsSlice } from '../shared/settings.ts';

const whole = z.number().int().nonnegative();

export const webSettings = settingsSlice({
  port: ['PORT', whole],
  host: ['HOST', z.string().min(1)],
  publicUrl: ['PUBLIC_URL', z.string().min(1)],
  /**
   * X-Forwarded-For is believed only from these, as the configuration parsed them: a network's text
   * (`10.0.0.0/8`, `192.0.2.1`), family and prefix length.
   */
  trustedProxies: ['TRUSTED_PROXIES', z.array(z.object({ text: z.string(), family: z.union([z.literal(4), z.literal(6)]), bits: whole })).default([])],
  /** Shared by every replica (Redis or PostgreSQL) when there are several; per 10 minutes. */
  newConversationsPerAddress: ['NEW_CONVERSATIONS_PER_ADDRESS', whole],
  /** `1wd`, `4h`: what the support form promises. */
  supportResponseTime: ['SUPPORT_RESPONSE_TIME', z.string()],
  /** A channel down for less than this still counts as healthy. */
  channelGraceMs: ['CHANNEL_GRACE_SECONDS', whole.transform((seconds) => seconds * 1000)],
  /** A request bearing it gets the detail of /livez, /readyz and /healthz (else the status alone). */
  detailToken: ['METRICS_TOKEN', z.string().optional()],
  /** A centre's own privacy notice: /privacy sends people there. */
  privacyUrl: ['PRIVACY_URL', z.string().optional()],
  supportEmail: ['SUPPORT_EMAIL', z.string()],
  /** Retention windows in ms, which the privacy notice states. */
  retainConversations: ['RETENTION_CONVERSATIONS', whole],
  retainSilentConversations: ['RETENTION_SILENT_CONVERSATIONS', whole],
  retainAddresses: ['RETENTION_ADDRESSES', whole],
  retainTickets: ['RETENTION_TICKETS', whole],
});
export type WebSettings = z.infer<typeof webSettings>;
