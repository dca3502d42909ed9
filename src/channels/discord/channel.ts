// The helpdesk in Discord (discord.js 14): /2fa starts a conversation in a DM or a private thread,
// choices are buttons, a DM with free text works too; /2fa-diagnose is for a staff role. Discord
// gives no verified e-mail, so account facts follow the e-mail proof of the web page. Every
// interaction is deferred at once; gateway errors are logged, never fatal. The interactions are
// in interactions/.
import { ChannelType, Client, Events, GatewayIntentBits, Partials, type Interaction, type Message } from 'discord.js';
import type { ChannelContext } from '../context.ts';
import type { Reply } from '../../ports/conversations.ts';
import type { RunningChannel } from '../contract.ts';
import { Connection } from '../shared/connection.ts';
import { StaffCheck } from '../shared/staff.ts';
import { clockLinkFor } from '../shared/clock-link.ts';
import { say, sendAll, turn, type DiscordDeps } from './deps.ts';
import { choose } from './interactions/choice.ts';
import { diagnoseButton, diagnoseCommand } from './interactions/diagnose.ts';
import { start2fa } from './interactions/start.ts';
import { renderMessages } from './render.ts';
import type { DiscordSettings } from './settings.ts';

export interface DiscordChannel extends RunningChannel {
  client: Client;
  /** The gateway connection: retried with backoff until Discord answers; its state is in /healthz. */
  connection: Connection;
  /** Resolves on the first successful connection. */
  ready(): Promise<void>;
}

function discordClient(settings: DiscordSettings): Client {
  const thread = settings.conversation === 'thread';
  return new Client({
    // Free text in a private thread needs the (privileged) Message Content intent; DMs do not.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages, ...(thread ? [GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent] : [])],
    partials: [Partials.Channel],
    allowedMentions: { parse: [], repliedUser: false },
    ...(settings.apiUrl ? { rest: { api: settings.apiUrl } } : {}),
  });
}

/** The gateway's own reports keep the connection's state true between attempts. */
function watchGateway(d: DiscordDeps, connection: Connection): void {
  const { client } = d;
  const log = d.ctx.log;
  client.on(Events.Error, (err) => log.error('discord client error', { code: 'discord.error', err }));
  client.on(Events.ShardError, (err, shard) => log.warn('discord gateway error; reconnecting', { shard, err }));
  client.on(Events.ShardDisconnect, (event, shard) => {
    log.warn('discord gateway disconnected', { shard, closeCode: event.code });
    connection.report(false, `gateway closed (${event.code})`);
  });
  client.on(Events.ShardReconnecting, () => connection.report(false, 'reconnecting to the gateway'));
  client.on(Events.ShardResume, (shard, replayed) => {
    log.info('discord gateway resumed', { shard, replayed });
    connection.report(true);
  });
  client.on(Events.ShardReady, () => connection.report(true));
  client.on(Events.Warn, (message) => log.warn('discord', { detail: message }));
}

/** Commands and buttons; whatever one throws is logged, and the person told something went wrong. */
function listen(d: DiscordDeps): void {
  const { client } = d;
  const log = d.ctx.log;
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    const run = async () => {
      if (interaction.isChatInputCommand()) {
        if (interaction.commandName === '2fa') return start2fa(d, interaction);
        if (interaction.commandName === '2fa-diagnose') return diagnoseCommand(d, interaction);
      } else if (interaction.isButton()) {
        if (interaction.customId.startsWith('choice:')) return choose(d, interaction);
        if (interaction.customId.startsWith('diag:')) return diagnoseButton(d, interaction);
      }
    };
    run().catch(async (err: unknown) => {
      log.error('discord interaction failed', { code: 'discord.error', err });
      if (interaction.isRepliable() && (interaction.deferred || interaction.replied)) {
        await interaction.editReply({ content: say(d, interaction.locale, 'something_wrong'), allowedMentions: { parse: [] } }).catch(() => undefined);
      }
    });
  });
  client.on(Events.MessageCreate, (message: Message) => {
    if (message.author.bot) return;
    const inDm = message.channel.type === ChannelType.DM;
    const inOurThread = d.settings.conversation === 'thread' && message.channel.type === ChannelType.PrivateThread && message.channel.ownerId === client.user?.id;
    if (!inDm && !inOurThread) return;
    turn(d, message.channelId, message.author.id, { type: 'text', text: message.content })
      .then((payloads) => sendAll(d, message.channelId, payloads))
      .catch((err: unknown) => log.error('discord message failed', { code: 'discord.error', err }));
  });
}

export function createDiscordChannel(ctx: ChannelContext, settings: DiscordSettings): DiscordChannel {
  const log = ctx.log;
  const client = discordClient(settings);
  const staff = new StaffCheck({ roles: settings.staffRole ? [settings.staffRole] : [] }, log, ctx.clock);
  const d: DiscordDeps = { ctx, settings, client, staff };

  // A phone's clock measurement or a watch notice continues the conversation where it is: taken
  // from the outbox (see relay.ts) once the gateway is up, and as each one arrives.
  async function relay(conversationId: string): Promise<void> {
    const [, channelId] = conversationId.split(':');
    if (!channelId || !client.isReady()) return;
    const replies = (await ctx.outbox.take(conversationId)) as Reply[];
    if (!replies.length) return;
    const conversation = await ctx.conversations.peek(conversationId);
    await sendAll(d, channelId, renderMessages(replies, await clockLinkFor(ctx, conversationId, replies, conversation?.lang ?? 'en')));
  }
  const relayLogged = (conversationId: string) =>
    relay(conversationId).catch((err: unknown) => log.error('discord out-of-band delivery failed', { code: 'channel.delivery', conversation: conversationId, err }));
  let unsubscribe: (() => void) | undefined;

  let firstReady!: () => void;
  const readyOnce = new Promise<void>((r) => (firstReady = r));
  const connection: Connection = new Connection({
    name: 'discord',
    log,
    attemptTimeoutMs: 30_000,
    async connect() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(settings.token);
      await ready;
      firstReady();
      unsubscribe ??= ctx.outbox.onPush((id) => {
        if (id.startsWith('discord:')) void relayLogged(id);
      });
      for (const id of await ctx.outbox.waiting('discord:')) void relayLogged(id);
    },
    disconnect: () => client.destroy(),
  });
  watchGateway(d, connection);
  listen(d);

  return {
    client,
    connection,
    status: () => connection.status,
    async start() {
      connection.start();
    },
    ready: () => readyOnce,
    async stop() {
      unsubscribe?.();
      await connection.stop();
    },
  };
}
