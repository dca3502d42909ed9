// The web channel's slice of the configuration: its port, where it is reached from outside, whom it
// believes about a client's address, its limits and what its pages promise. The keys' rules are
// checked with the rest of the environment in src/config.ts, which names each bad key; this slice
// reads what passed (the centre's name, PUBLIC_URL and the clock link's life come in ctx.site).
import { z } from 'zod';

const whole = z.number().int().nonnegative();

export const webSettings = z
  .object({
    PORT: whole,
    HOST: z.string().min(1),
    PUBLIC_URL: z.string().min(1),
    /** As the configuration parsed them: a network's text (`10.0.0.0/8`, `192.0.2.1`), family and prefix length. */
    TRUSTED_PROXIES: z.array(z.object({ text: z.string(), family: z.union([z.literal(4), z.literal(6)]), bits: whole })).default([]),
    NEW_CONVERSATIONS_PER_ADDRESS: whole,
    SUPPORT_RESPONSE_TIME: z.string(),
    CHANNEL_GRACE_SECONDS: whole,
    PRIVACY_URL: z.string().optional(),
    SUPPORT_EMAIL: z.string(),
    RETENTION_CONVERSATIONS: whole,
    RETENTION_SILENT_CONVERSATIONS: whole,
    RETENTION_ADDRESSES: whole,
    RETENTION_TICKETS: whole,
  })
  .transform((s) => ({
    port: s.PORT,
    host: s.HOST,
    publicUrl: s.PUBLIC_URL,
    /** X-Forwarded-For is believed only from these. */
    trustedProxies: s.TRUSTED_PROXIES,
    /** Shared by every replica (Redis or PostgreSQL) when there are several; per 10 minutes. */
    newConversationsPerAddress: s.NEW_CONVERSATIONS_PER_ADDRESS,
    /** `1wd`, `4h`: what the support form promises. */
    supportResponseTime: s.SUPPORT_RESPONSE_TIME,
    /** A channel down for less than this still counts as healthy. */
    channelGraceMs: s.CHANNEL_GRACE_SECONDS * 1000,
    /** A centre's own privacy notice: /privacy sends people there. */
    privacyUrl: s.PRIVACY_URL,
    supportEmail: s.SUPPORT_EMAIL,
    /** Retention windows in ms, which the privacy notice states. */
    retention: { conversations: s.RETENTION_CONVERSATIONS, silentConversations: s.RETENTION_SILENT_CONVERSATIONS, addresses: s.RETENTION_ADDRESSES, tickets: s.RETENTION_TICKETS },
  }));
export type WebSettings = z.infer<typeof webSettings>;
