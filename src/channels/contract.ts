// The contract every chat channel keeps (Slack, Discord, the web page, the terminal, and whatever a
// centre adds: Teams, Matrix, Mattermost). A channel is one folder whose index.ts exports a
// `ChannelPlugin`; `channels/registry.ts` lists the plugins, and `serve` loops over that list to
// start them, ask their health, mount their HTTP routes (the web channel serves them, from
// ctx.peers, read when it starts), print the banner and stop them. Nothing outside the channel's folder names the channel.
import type { z } from 'zod';
import type { ConnectionStatus } from './shared/connection.ts';
import type { KeyProblem } from './shared/settings.ts';
import type { LogScrub } from '../ports/logger.ts';
import type { ChannelPeople } from '../ports/personal-data.ts';
import type { Lang } from '../ports/lang.ts';
import type { ChannelContext, ChannelRoute } from './context.ts';

export type { ChannelContext, ChannelRoute, ConnectionStatus };


/** A channel that has been created from its configuration. */
export interface RunningChannel {
  /** Connects in the background (retried until the platform answers); resolves once started. */
  start(): Promise<void>;
  /** Disconnects; safe to call twice, and before `start` ended. Finishes turns already taken. */
  stop(): Promise<void>;
  /** For /healthz and `helpdesk_channel_up`. */
  status(): ConnectionStatus;
  /**
   * HTTP routes for the web port, which mounts them once, when it starts (after every channel run on
   * each replica was created). A leader-only channel is created later, on election: its routes
   * would never be mounted, so such a channel brings none.
   */
  routes?: ChannelRoute[];
  /** One or two lines for the start banner (where to reach the channel). */
  banner?: string[];
  /** Settles when the channel ends the service by itself (the terminal chat's "quit"): `serve` then stops. */
  done?: Promise<void>;
}

/** A channel's own words, in each language (beside its code, so a new channel brings them). */
export interface ChannelWords {
  /** Where a request was made, as a mail to the account's owner says it: "in Slack". */
  where: string;
}

export interface ChannelPlugin<Settings = unknown> {
  /** Lower case; the label of the channel in metrics, health and logs, and its conversation ids' prefix. */
  name: string;
  /**
   * The channel's slice of the configuration, parsed from the environment (with the values the main
   * configuration has already validated): one problem a line, naming the key, stops the start.
   */
  config: z.ZodType<Settings>;
  /**
   * The environment keys the channel owns, each with its rule: they join the environment schema
   * (src/config.ts), so a bad one stops the start with one line naming it, and `.env.example` and
   * docs/configuration.md list them. Keys the main configuration reads (PORT) are not the channel's.
   */
  keys?: Record<string, z.ZodType>;
  /** Rules across its keys (a token needs its secret), given the parsed environment. */
  keyProblems?(env: Record<string, unknown>): KeyProblem[];
  /**
   * What in free text names a person on this platform (its user ids), and what a log line shows
   * instead. Its conversation ids (`name:…`) lose all but the name by the logger's own rule.
   */
  logScrubs?: readonly LogScrub[];
  /**
   * The people in its conversations, for a person's export and erasure: a person's platform id and
   * its rule (staff give it as `privacy export --<name> ID`), and whom a conversation id names.
   * Without it a conversation id names nobody, and the person's conversations there are found by
   * what they wrote, their proofs and their watches.
   */
  people?: ChannelPeople;
  /** Its conversations' origin is the person's IP address (the web page's client): a proof mail shows it. */
  originIsAddress?: true;
  /** Its words in English and Swedish (a channel without them is "in a chat"). */
  words?: Record<Lang, ChannelWords>;
  /** Whether this deployment runs the channel (e.g. a token is set). */
  enabled(settings: Settings): boolean;
  /** Whether the channel signs what it hands out (the web's session cookie): it then gets `ctx.signingKey`. */
  signs?: true;
  /**
   * `leader`: one connection for the whole deployment, held by the leader replica (the Discord
   * gateway); the others report `standby`. Default `every`: each replica runs the channel.
   */
  replicas?: 'every' | 'leader';
  /**
   * Done on every replica, whether it leads or not (a leader-only channel registers here how replies
   * made elsewhere reach it, e.g. through the store's outbox).
   */
  everyReplica?(ctx: ChannelContext, settings: Settings): void;
  /**
   * The ticket sinks the channel brings (a staff channel that gets each hand-over): the ticket queue
   * keeps their places from the start, so no ticket passes them by, and the channel attaches each
   * (`ctx.staffChannel.attach`) when it runs.
   */
  ticketSinks?(settings: Settings): string[];
  create(ctx: ChannelContext, settings: Settings): RunningChannel | Promise<RunningChannel>;
}

/** The plugin as the registry holds it, whatever its settings' type (methods take them bivariantly). */
export type AnyChannelPlugin = ChannelPlugin<unknown>;

/** Defines a plugin, checking its settings' type against its own schema. */
export function defineChannel<S>(plugin: ChannelPlugin<S>): ChannelPlugin<S> {
  return plugin;
}
