// `serve`: the web support page and every chat channel this deployment configures, on one port, in
// one process. The channels come from the registry (src/channels/registry.ts) and are started,
// asked for their state, mounted and stopped the same way; nothing here names one. The web channel
// serves the HTTP port; the others' routes and the centre's activation hook reach it through peers.
import { replicaName, type Config } from '../config.ts';
import { HelpdeskError, withoutCredentials } from '../errors.ts';
import { CHANNELS } from '../channels/registry.ts';
import { channelContext, storeHealth } from './channel-context.ts';
import { isProbePath, probe } from '../channels/shared/probes.ts';
import { ChannelSet, chooseChannels } from './channel-set.ts';
import type { Helpdesk } from './helpdesk.ts';
import type { ChannelPeers } from '../channels/context.ts';
import type { MetricsServer } from '../adapters/metrics-server.ts';

/**
 * How long `serve` gives itself to stop cleanly after SIGTERM or SIGINT: the stated 4 s less what
 * leaving the process takes after it (a hung relay made the whole stop 4.2 s at 4000).
 */
export const STOP_DEADLINE_MS = 3500;

export interface ServeIo {
  err: (s: string) => void;
}

/**
 * The lines `serve` starts with: where each channel is reached (the web page's first), metrics, and
 * where accounts and tokens come from.
 */
function banner(cfg: Config, app: Helpdesk, metrics: MetricsServer | undefined, channels: ChannelSet, interactive: boolean): string[] {
  const tokens = cfg.TOKENS_BACKEND === 'privacyidea' ? `privacyIDEA (${cfg.PRIVACYIDEA_URL})` : cfg.TOKENS_BACKEND === 'ldap-otp' ? `OpenLDAP's otp overlay (${cfg.LDAP_URL})` : 'the Enrollment API';
  return [
    ...channels.banner(),
    ...(interactive ? [] : ['Terminal chat: off, stdin and stdout are not both a terminal (2fa-helpdesk chat works piped)']),
    ...(metrics ? [`Metrics: ${metrics.url}/metrics${cfg.METRICS_TOKEN ? ' (bearer token)' : ''}`] : []),
    ...(app.demo ? [`Demo enrollment backend on ${app.demo.url}; demo users: alice, bob, carol, dave, erin, frank (see README)`] : cfg.ENROLLMENT_API_URL ? [`Enrollment API: ${withoutCredentials(cfg.ENROLLMENT_API_URL)}`] : []),
    `Accounts from ${cfg.ACCOUNTS_BACKEND === 'ldap' ? `LDAP (${cfg.LDAP_URL})` : 'the Enrollment API'}; tokens from ${tokens}`,
  ];
}

/** Undoes what has been started so far, last first, whatever fails on the way. */
async function unwind(steps: Array<() => Promise<unknown>>): Promise<void> {
  for (const step of steps.reverse()) await step().catch(() => undefined);
}

export async function serve(cfg: Config, env: Record<string, string | undefined>, io: ServeIo, interactive: boolean): Promise<number> {
  const choice = chooseChannels(CHANNELS, env, cfg);
  if (!choice.ok) throw new HelpdeskError('config.invalid', choice.errors.join('\n'));
  const [{ createHelpdesk }, { tokenActivatedRoutes }, { startMetricsServer }, { createLog }] = await Promise.all([
    import('./helpdesk.ts'),
    import('../integrations/token-activated.ts'),
    import('../adapters/metrics-server.ts'),
    import('./observability.ts'),
  ]);
  // With a terminal chat on screen, the log goes quiet unless asked for.
  const log = createLog(cfg, replicaName(cfg), interactive && !env.LOG_LEVEL ? 'error' : cfg.LOG_LEVEL);
  const app = await createHelpdesk(cfg, { log });
  const undo: Array<() => Promise<unknown>> = [() => app.close()];
  // The centre's activation hook (only with HOOK_SECRET) is served on the same port as the channels' routes.
  const hook = tokenActivatedRoutes({ secret: cfg.HOOK_SECRET, clock: app.clock, seen: app.store, wake: (user) => app.watcher.wake(user), log: app.log });
  const peers: ChannelPeers = { routes: () => [...channels.routes(), ...hook], statuses: () => channels.statuses() };
  const channels = new ChannelSet(choice.chosen, (plugin) => channelContext(app, peers, plugin.signs ? plugin.name : undefined), app.log);
  undo.push(() => channels.stop());
  let metrics: MetricsServer | undefined;
  try {
    await channels.create((duty) => app.lead(duty));
    // The web channel, first in the registry, listens first: a port in use stops the start before any platform connects.
    await channels.start();
    // A leader-only channel says 0 on a standby replica (its state is `standby`): alert on the maximum.
    app.metrics.gauges('helpdesk_channel_up', 'Whether a channel is connected on this replica (1) or not (0; a leader-only channel on a standby replica)', ['channel'], () =>
      Object.entries(channels.statuses()).map(([channel, st]) => [{ channel }, st.state === 'up' ? 1 : 0]),
    );
    if (cfg.METRICS_PORT !== undefined) {
      const health = storeHealth(app);
      const probeInput = () => ({ channels: channels.statuses(), health, graceMs: cfg.CHANNEL_GRACE_SECONDS * 1000, log: app.log, reference: () => app.reference.now().reference });
      metrics = await startMetricsServer({
        host: cfg.METRICS_HOST,
        port: cfg.METRICS_PORT,
        ...(cfg.METRICS_TOKEN ? { token: cfg.METRICS_TOKEN } : {}),
        render: () => app.metrics.render(),
        contentType: app.metrics.contentType,
        probe: (path) => (isProbePath(path) ? () => probe(path, probeInput()) : undefined),
      });
      const m = metrics;
      undo.push(() => m.close());
    }
  } catch (err) {
    await unwind(undo);
    throw err;
  }
  io.err(`${banner(cfg, app, metrics, channels, interactive).join('\n')}\n`);
  await channels.start('foreground');
  await Promise.race([channels.done(), signalled()]);
  // A stop finishes what it can in a few seconds; whatever still hangs (a stalled relay, a platform
  // that never answers) is abandoned, and the command's caller ends the process.
  await Promise.race([unwind(undo), new Promise((r) => setTimeout(r, STOP_DEADLINE_MS).unref())]);
  return 0;
}

/** The first SIGINT or SIGTERM; a second one while stopping means now. */
function signalled(): Promise<void> {
  return new Promise<void>((resolve) => {
    const first = () => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      const now = () => process.exit(130);
      process.once('SIGINT', now);
      process.once('SIGTERM', now);
      resolve();
    };
    process.once('SIGINT', first);
    process.once('SIGTERM', first);
  });
}
