// The Slack channel's slice of the configuration. The keys' rules (a bot token starts with xoxb-,
// the signing secret or an app token goes with it) are checked with the rest of the environment in
// src/config.ts, which names each bad key; this slice reads what passed.
import { z } from 'zod';

export const slackSettings = z
  .object({
    SLACK_BOT_TOKEN: z.string().optional(),
    SLACK_SIGNING_SECRET: z.string().optional(),
    SLACK_APP_TOKEN: z.string().optional(),
    SLACK_API_URL: z.string().optional(),
    SLACK_COMMAND: z.string().default('/2fa'),
    SLACK_DIAGNOSE_COMMAND: z.string().default('/2fa-diagnose'),
    SLACK_STAFF_USERS: z.array(z.string()).default([]),
    SLACK_STAFF_GROUP: z.string().optional(),
  })
  .transform((s) => ({
    botToken: s.SLACK_BOT_TOKEN,
    signingSecret: s.SLACK_SIGNING_SECRET,
    /** Set: Socket Mode (an outgoing WebSocket); unset: HTTP mode, Events API at /slack/events. */
    appToken: s.SLACK_APP_TOKEN,
    apiUrl: s.SLACK_API_URL,
    command: s.SLACK_COMMAND,
    diagnoseCommand: s.SLACK_DIAGNOSE_COMMAND,
    staffUsers: s.SLACK_STAFF_USERS,
    staffGroup: s.SLACK_STAFF_GROUP,
  }));
export type SlackSettings = z.infer<typeof slackSettings>;
