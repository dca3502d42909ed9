// The Slack channel as the registry holds it: on when a bot token is set.
import { z } from 'zod';
import { defineChannel } from '../contract.ts';
import { SLACK_STAFF_SINK } from './staff-sink-name.ts';
import { slackKeyProblems, slackKeys, slackSettings } from './settings.ts';

export const slackChannel = defineChannel({
  name: 'slack',
  config: slackSettings,
  keys: slackKeys,
  keyProblems: slackKeyProblems,
  // Slack user, bot and team ids (U04ALICE7Q), wherever free text carries one.
  logScrubs: [[/\b[UWBT](?=[A-Z0-9]*\d)[A-Z0-9]{8,}\b/g, '[slack-id]']],
  words: { en: { where: 'in Slack' }, sv: { where: 'i Slack' } },
  // A conversation is `slack:TEAM:CHANNEL:USER`: the person is its user.
  people: {
    id: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id, like U012ABC'),
    owner: (rest) => {
      const parts = rest.split(':');
      return parts.length === 3 ? parts[2] : undefined;
    },
  },
  enabled: (s) => Boolean(s.botToken),
  ticketSinks: (s) => (s.botToken && s.staffChannel ? [SLACK_STAFF_SINK] : []),
  // Bolt loads only when Slack is configured, so other commands start at once.
  create: async (ctx, settings) => (await import('./channel.ts')).createSlackChannel(ctx, settings),
});
