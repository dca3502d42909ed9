// The web channel as a plugin: the support page on the bot's one web port, which also serves the
// routes the other channels and integrations bring (`ctx.peers`), and reports their states in /healthz.
import { z } from 'zod';
import type { ChannelContext, ChannelPlugin, ChannelRoute, ConnectionStatus, RunningChannel } from '../contract.ts';
import { startWebServer, type WebServer } from './server.ts';

/** What the other channels offer the channel that holds the web port (filled by `serve`). */
export interface WebPeers {
  routes(): ChannelRoute[];
  statuses(): Record<string, ConnectionStatus>;
}

export const webChannel: ChannelPlugin<Record<string, never>> = {
  name: 'web',
  // PORT, HOST, PUBLIC_URL and the rest the page reads are the deployment's keys, parsed in config.ts.
  config: z.object({}).strict() as z.ZodType<Record<string, never>>,
  enabled: () => true,
  create(ctx: ChannelContext & { peers?: WebPeers }): RunningChannel {
    let web: WebServer | undefined;
    const since = Date.now();
    return {
      async start() {
        web ??= await startWebServer(ctx, { routes: ctx.peers?.routes() ?? [], statuses: () => ctx.peers?.statuses() ?? {} });
      },
      async stop() {
        const w = web;
        web = undefined;
        await w?.close();
      },
      status: () => (web ? { state: 'up', since, attempts: 1 } : { state: 'down', since, attempts: 0 }),
      get banner() {
        return web ? [`2fa-helpdesk is serving the support page on ${web.url} (public URL ${ctx.config.PUBLIC_URL})`] : [];
      },
    };
  },
};
