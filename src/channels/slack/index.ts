// The Slack channel as the registry holds it: on when a bot token is set.
import { defineChannel } from '../contract.ts';
import { slackKeyProblems, slackKeys, slackSettings } from './settings.ts';

export const slackChannel = defineChannel({
  name: 'slack',
  config: slackSettings,
  keys: slackKeys,
  keyProblems: slackKeyProblems,
  // Slack user, bot and team ids (U04ALICE7Q), wherever free text carries one.
  logScrubs: [[/\b[UWBT](?=[A-Z0-9]*\d)[A-Z0-9]{8,}\b/g, '[slack-id]']],
  words: { en: { where: 'in Slack' }, sv: { where: 'i Slack' } },
  enabled: (s) => Boolean(s.botToken),
  // Bolt loads only when Slack is configured, so other commands start at once.
  create: async (ctx, settings) => (await import('./channel.ts')).createSlackChannel(ctx, settings),
});
