// The chat channels this replica runs, from the registry: each one's settings read from the
// environment, then created, started, asked for its state, its routes and its banner, and stopped,
// the same way for all. A leader-only channel (Discord's gateway) is created and started when this
// replica is elected and stopped when it is deposed; meanwhile it reports `standby`.
import type { AnyChannelPlugin, ChannelContext, ChannelRoute, RunningChannel } from '../channels/contract.ts';
import type { ConnectionStatus } from '../channels/shared/connection.ts';
import type { Logger } from '../ports/logger.ts';

export interface LeaderDuty {
  elected(): Promise<void> | void;
  deposed(): Promise<void> | void;
}

interface Member {
  plugin: AnyChannelPlugin;
  settings: unknown;
  /** What this channel may use (a key of its own when it signs). */
  ctx: ChannelContext;
  running?: RunningChannel;
  /** For a leader-only channel not held here: since when. */
  standbySince: number;
}

export type ChannelChoice = { ok: true; chosen: Array<{ plugin: AnyChannelPlugin; settings: unknown }> } | { ok: false; errors: string[] };

/**
 * Each plugin's slice, read from the environment with the main configuration's values over it (so
 * keys it has already checked arrive parsed); the enabled ones. One line a bad key.
 */
export function chooseChannels(plugins: readonly AnyChannelPlugin[], env: Record<string, string | undefined>, config: object): ChannelChoice {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const errors: string[] = [];
  const chosen: Array<{ plugin: AnyChannelPlugin; settings: unknown }> = [];
  for (const plugin of plugins) {
    const parsed = plugin.config.safeParse({ ...cleaned, ...config });
    if (!parsed.success) {
      errors.push(...parsed.error.issues.map((i) => `${String(i.path[0] ?? plugin.name)}: expected ${i.message.replace(/^Invalid input: /, '')}`));
      continue;
    }
    if (plugin.enabled(parsed.data)) chosen.push({ plugin, settings: parsed.data });
  }
  return errors.length ? { ok: false, errors } : { ok: true, chosen };
}

export class ChannelSet {
  private readonly members: Member[];

  constructor(
    chosen: Array<{ plugin: AnyChannelPlugin; settings: unknown }>,
    contextOf: (plugin: AnyChannelPlugin) => ChannelContext,
    private readonly log: Logger,
  ) {
    this.members = chosen.map((c) => {
      const ctx = contextOf(c.plugin);
      return { ...c, ctx, standbySince: ctx.clock.now() };
    });
  }

  /**
   * Creates every channel run on each replica, and hands the leader-only ones to `lead` (which
   * starts them now if this replica leads, else when it is elected).
   */
  async create(lead: (duty: LeaderDuty) => void): Promise<void> {
    for (const m of this.members) {
      if (m.plugin.replicas !== 'leader') {
        m.running = await m.plugin.create(m.ctx, m.settings);
        continue;
      }
      m.plugin.everyReplica?.(m.ctx, m.settings);
      // Elected may be told twice (when the duty is added and when the election settles): one channel.
      let creating: Promise<RunningChannel> | undefined;
      lead({
        elected: async () => {
          creating ??= Promise.resolve(m.plugin.create(m.ctx, m.settings));
          m.running = await creating;
          await m.running.start();
        },
        deposed: async () => {
          const r = m.running;
          m.running = undefined;
          creating = undefined;
          m.standbySince = m.ctx.clock.now();
          await r?.stop();
        },
      });
    }
  }

  /**
   * Starts the channels run on each replica (platforms connect in the background and are retried).
   * `foreground`: only those that can end the service themselves (the terminal chat), which take
   * the screen and so start after the banner; otherwise all the others.
   */
  async start(which: 'background' | 'foreground' = 'background'): Promise<void> {
    for (const m of this.members) {
      if (m.plugin.replicas === 'leader' || Boolean(m.running?.done) !== (which === 'foreground')) continue;
      await m.running?.start();
    }
  }

  statuses(): Record<string, ConnectionStatus> {
    return Object.fromEntries(this.members.map((m) => [m.plugin.name, m.running?.status() ?? { state: 'standby', since: m.standbySince, attempts: 0 }]));
  }

  routes(): ChannelRoute[] {
    return this.members.flatMap((m) => m.running?.routes ?? []);
  }

  banner(): string[] {
    return this.members.flatMap((m) => m.running?.banner ?? (m.plugin.replicas === 'leader' ? [`${m.plugin.name}: the leader replica holds this connection (state in /healthz)`] : []));
  }

  /** Settles when a channel ends the service by itself (the terminal chat's "quit"); never if none can. */
  done(): Promise<void> {
    const ends = this.members.flatMap((m) => (m.running?.done ? [m.running.done] : []));
    return ends.length ? Promise.race(ends) : new Promise<void>(() => {});
  }

  /** Stops every channel at once; one that fails to stop is logged, the others still stop. */
  async stop(): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        const r = m.running;
        m.running = undefined;
        await r?.stop().catch((err: unknown) => this.log.error('channel did not stop cleanly', { code: 'channel.stop', channel: m.plugin.name, err }));
      }),
    );
  }
}
