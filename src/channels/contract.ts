// The contract every chat channel keeps (Slack, Discord, the web page, the terminal, and whatever a
// centre adds: Teams, Matrix, Mattermost). A channel is one folder whose index.ts exports a
// `ChannelPlugin`; `channels/registry.ts` lists the plugins, and `serve` loops over that list to
// start them, ask their health, mount their HTTP routes, print the banner and stop them. Nothing
// outside the channel's folder names the channel.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { ConnectionStatus } from './connection.ts';
import type { ChannelContext } from './context.ts';

export type { ChannelContext, ConnectionStatus };

/** An HTTP endpoint a channel serves on the bot's one web port (Slack's Events API, a webhook). */
export interface ChannelRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An exact path, e.g. `/slack/events`; a query string does not change the match. */
  path: string;
  /** Gets the request unread: the channel reads (and verifies) the raw body itself. */
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/** A channel that has been created from its configuration. */
export interface RunningChannel {
  /** Connects in the background (retried until the platform answers); resolves once started. */
  start(): Promise<void>;
  /** Disconnects; safe to call twice, and before `start` ended. */
  stop(): Promise<void>;
  /** For /healthz and `helpdesk_channel_up`. */
  status(): ConnectionStatus;
  /** HTTP routes to mount on the web port while the channel runs. */
  routes?: ChannelRoute[];
  /** One or two lines for the start banner (where to reach the channel). */
  banner?: string[];
}

export interface ChannelPlugin<Settings = unknown> {
  /** Lower case; the label of the channel in metrics, health and logs. */
  name: string;
  /** The environment keys this channel reads, validated at start with the rest of the configuration. */
  config: z.ZodType<Settings>;
  /** Whether this deployment runs the channel (e.g. a token is set). */
  enabled(settings: Settings): boolean;
  /**
   * `leader`: one connection for the whole deployment, held by the leader replica (the Discord
   * gateway); the others report `standby`. Default `every`: each replica runs the channel.
   */
  replicas?: 'every' | 'leader';
  create(ctx: ChannelContext, settings: Settings): RunningChannel | Promise<RunningChannel>;
}
