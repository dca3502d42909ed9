// The Slack channel's slice of the configuration (read as src/channels/shared/settings.ts says). The
// keys' rules (a bot token starts with xoxb-, the signing secret or an app token goes with it) are
// checked in src/config.ts.
import { z } from 'zod';
import { settingsSlice } from '../shared/settings.ts';

export const slackSettings = settingsSlice({
  botToken: ['SLACK_BOT_TOKEN', z.string().optional()],
  signingSecret: ['SLACK_SIGNING_SECRET', z.string().optional()],
  /** Set: Socket Mode (an outgoing WebSocket); unset: HTTP mode, Events API at /slack/events. */
  appToken: ['SLACK_APP_TOKEN', z.string().optional()],
  apiUrl: ['SLACK_API_URL', z.string().optional()],
  command: ['SLACK_COMMAND', z.string().default('/2fa')],
  diagnoseCommand: ['SLACK_DIAGNOSE_COMMAND', z.string().default('/2fa-diagnose')],
  staffUsers: ['SLACK_STAFF_USERS', z.array(z.string()).default([])],
  staffGroup: ['SLACK_STAFF_GROUP', z.string().optional()],
  /** Where each hand-over is posted as a card staff answer the person from (unset: no staff channel). */
  staffChannel: ['SLACK_STAFF_CHANNEL', z.string().optional()],
  /** The language of the staff channel's cards and notes. */
  staffLang: ['STAFF_LANG', z.enum(['en', 'sv']).default('en')],
});
export type SlackSettings = z.infer<typeof slackSettings>;
