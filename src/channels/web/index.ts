// The web channel as the registry holds it: always on under `serve`. It owns the bot's one HTTP port:
// the support page's chat, the phone clock check, the support form, the privacy notice, /ip for
// `curl` and /healthz, and the routes the other channels and integrations bring (ctx.peers).
import { defineChannel } from '../contract.ts';
import { webSettings } from './settings.ts';

export const webChannel = defineChannel({
  name: 'web',
  config: webSettings,
  enabled: () => true,
  signs: true,
  originIsAddress: true,
  words: { en: { where: 'on the web support page' }, sv: { where: 'på supportwebbsidan' } },
  // A page names nobody (whose it is comes from its proofs and watches); its limits are keyed by its session.
  people: { sessionLimits: true },
  // The HTTP router and Helmet load only when `serve` runs, so other commands start at once.
  create: async (ctx, settings) => (await import('./server.ts')).createWebChannel(ctx, settings),
});
