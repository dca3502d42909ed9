// The Slack channel's slice of the configuration (read as src/channels/shared/settings.ts says): its
// keys, their rules (a bot token starts with xoxb-, the signing secret or an app token goes with
// it) and how the code reads them.
import { z } from 'zod';
import { Lang } from '../../ports/lang.ts';
import { httpUrlRule, ownKeys, settingsSlice, type KeyProblem } from '../shared/settings.ts';

const command = (example: string) => z.string().regex(/^\/[a-z0-9_-]{1,31}$/, `a slash command like ${example}`);

const TABLE = {
  botToken: ['SLACK_BOT_TOKEN', z.string().optional(), z.string().regex(/^xoxb-/, 'a bot token starting with xoxb-').optional()],
  signingSecret: ['SLACK_SIGNING_SECRET', z.string().optional(), z.string().min(8, "the signing secret from the app's Basic Information page").optional()],
  /** Set: Socket Mode (an outgoing WebSocket); unset: HTTP mode, Events API at /slack/events. */
  appToken: ['SLACK_APP_TOKEN', z.string().optional(), z.string().regex(/^xapp-/, 'an app-level token starting with xapp- (Socket Mode)').optional()],
  apiUrl: ['SLACK_API_URL', z.string().optional(), httpUrlRule('SLACK_API_URL').optional()],
  command: ['SLACK_COMMAND', z.string().default('/2fa'), command('/2fa').default('/2fa')],
  diagnoseCommand: ['SLACK_DIAGNOSE_COMMAND', z.string().default('/2fa-diagnose'), command('/2fa-diagnose').default('/2fa-diagnose')],
  staffUsers: [
    'SLACK_STAFF_USERS',
    z.array(z.string()).default([]),
    z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean))
      .refine((ids) => ids.every((id) => /^[UW][A-Z0-9]{2,}$/.test(id)), 'Slack user ids separated by commas, like U012ABC,U034DEF'),
  ],
  staffGroup: ['SLACK_STAFF_GROUP', z.string().optional(), z.string().regex(/^S[A-Z0-9]{2,}$/, 'a Slack user group id, like S0614TZR7').optional()],
  /** Where each hand-over is posted as a card staff answer the person from (unset: no staff channel). */
  staffChannel: ['SLACK_STAFF_CHANNEL', z.string().optional(), z.string().regex(/^[CG][A-Z0-9]{2,}$/, "a Slack channel id, like C0614TZR7 (the channel's details show it)").optional()],
  /** The language of the staff channel's cards and notes (the core configuration owns the key). */
  staffLang: ['STAFF_LANG', Lang.default('en')],
} as const;

export const slackSettings = settingsSlice(TABLE);
export type SlackSettings = z.infer<typeof slackSettings>;

export const slackKeys = ownKeys(TABLE);

/** The keys that go together: a bot token with a signing secret (HTTP mode) or an app token (Socket Mode). */
export function slackKeyProblems(env: Record<string, unknown>): KeyProblem[] {
  const problems: KeyProblem[] = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
    problems.push({ key: 'SLACK_SIGNING_SECRET', expected: 'the signing secret (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) with SLACK_BOT_TOKEN' });
  }
  if (!env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)) problems.push({ key: 'SLACK_BOT_TOKEN', expected: 'a bot token (xoxb-…) with the other Slack keys' });
  return problems;
}
