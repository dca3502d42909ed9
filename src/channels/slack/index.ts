// The Slack channel as the registry holds it: on when a bot token is set.
import { defineChannel } from '../contract.ts';
import { slackKeyProblems, slackKeys, slackSettings } from './settings.ts';

export const slackChannel = defineChannel({
  name: 'slack',
  config: slackSettings,
  keys: slackKeys,
  keyProblems: slackKeyProblems,
  enabled: (s) => Boolean(s.botToken),
  // Bolt loads only when Slack is configured, so other commands start at once.
  create: async (ctx, settings) => (await import('./channel.ts')).createSlackChannel(ctx, settings),
});
