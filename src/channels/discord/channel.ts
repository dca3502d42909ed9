// The helpdesk in Discord (discord.js 14): /2fa starts a conversation in a DM or a private thread,
// choices are buttons, a DM with free text works too; /2fa-diagnose is for a staff role. Discord
// gives no verified e-mail, so account facts follow the e-mail proof of the web page. Every
// interaction is deferred at once; gateway errors are logged, never fatal. The interactions are
// in interactions/.
import { ChannelType, Client, Events, GatewayIntentBits, Partials, type ChatInputCommandInteraction, type Interaction, type Message } from 'discord.js';
import { HelpdeskError } from '../../errors.ts';
import type { ChannelContext } from '../context.ts';
import type { ChatEvent, Reply } from '../../ports/conversations.ts';
import type { RunningChannel } from '../contract.ts';
import { Connection } from '../shared/connection.ts';
import { StaffCheck } from '../shared/staff.ts';
import { Inbox } from '../shared/inbox.ts';
import { replyExtras } from '../shared/reply-extras.ts';
import { acceptMessage, runTaken, say, sendAll, takeMessage, type DiscordDeps } from './deps.ts';
import { choose } from './interactions/choice.ts';
import { diagnoseButton, diagnoseCommand } from './interactions/diagnose.ts';
import { start2fa } from './interactions/start.ts';
import { onStaffReply, STAFF_INBOX, staffButton, takeStaffReply } from './interactions/staff.ts';
import { discordStaffSink } from './staff-sink.ts';
import { renderMessages } from './render.ts';
import { drainSession, SessionKeeper, storedSession, type Dispatch, type Drain, type RawMessage } from './session.ts';
import type { DiscordSettings } from './settings.ts';

/** How long replies Discord did not take wait in the outbox before the next try. */
const RELAY_RETRY_MS = 5000;

/** Discord down, timing out, limiting or failing (5xx): it may take the message later. */
function mayPass(err: unknown): boolean {
  if (err instanceof HelpdeskError) return false;
  const status = (err as { status?: unknown }).status;
  return typeof status !== 'number' || status === 429 || status >= 500;
}

/** The handler of each slash command `npm run discord:register` registers (commands.ts), by name. */
export const COMMAND_HANDLERS: Readonly<Record<string, (d: DiscordDeps, i: ChatInputCommandInteraction) => Promise<void>>> = {
  '2fa': start2fa,
  '2fa-diagnose': diagnoseCommand,
};

export interface DiscordChannel extends RunningChannel {
  client: Client;
  /** The gateway connection: retried with backoff until Discord answers; its state is in /healthz. */
  connection: Connection;
  /** Resolves on the first successful connection. */
  ready(): Promise<void>;
  /** Runs the inbox's DMs a deposed or dead leader accepted and did not finish; resolves to how many. */
  resume(now?: number): Promise<number>;
}

function discordClient(settings: DiscordSettings): Client {
  // Free text in a private thread, and staff replies in the staff channel's threads, need the
  // (privileged) Message Content intent; DMs do not.
  const guildText = settings.conversation === 'thread' || Boolean(settings.staffChannel);
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages, ...(guildText ? [GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent] : [])],
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

/**
 * Commands and buttons; whatever one throws is logged, and the person told something went wrong.
 * `keeper` learns when a message is in the inbox (a resume of this session need not replay it).
 */
function listen(d: DiscordDeps, keeper: SessionKeeper, staffInbox: Inbox): void {
  const { client } = d;
  const log = d.ctx.log;
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    const run = async () => {
      if (interaction.isChatInputCommand()) {
        return COMMAND_HANDLERS[interaction.commandName]?.(d, interaction);
      } else if (interaction.isButton()) {
        if (interaction.customId.startsWith('choice:')) return choose(d, interaction);
        if (interaction.customId.startsWith('diag:')) return diagnoseButton(d, interaction);
        if (interaction.customId.startsWith('staff:')) return staffButton(d, interaction);
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
    if (d.settings.staffChannel && message.channel.isThread() && message.channel.parentId === d.settings.staffChannel) {
      keeper.settled(message.id);
      return void takeStaffReply(d, staffInbox, message).catch((err: unknown) => log.error('discord staff reply failed', { code: 'discord.error', err }));
    }
    const inDm = message.channel.type === ChannelType.DM;
    const inOurThread = d.settings.conversation === 'thread' && message.channel.type === ChannelType.PrivateThread && message.channel.ownerId === client.user?.id;
    if (!inDm && !inOurThread) return keeper.settled(message.id);
    takeMessage(d, message.id, message.channelId, message.author.id, { type: 'text', text: message.content }, () => keeper.settled(message.id)).catch((err: unknown) =>
      log.error('discord message failed', { code: 'discord.error', err }),
    );
  });
}

/**
 * Before this leader identifies: the previous leader's session (from the store) resumed, and every
 * message it missed accepted into the inbox. `finish`, once this leader's own session is ready: takes
 * what came meanwhile, ends the old session (it throws if a message could not be taken; the old
 * session then stays resumable and stored, and the attempt is retried), writes the new session for
 * the next leader, and runs the messages taken.
 */
async function takeOver(d: DiscordDeps, keeper: SessionKeeper): Promise<{ finish(): Promise<void> }> {
  const { ctx, settings } = d;
  const session = await storedSession(ctx.shared);
  const taken: Array<{ key: string; channelId: string; userId: string; event: ChatEvent }> = [];
  const take = async (m: RawMessage) => {
    // A DM only: whether a thread message is in one of the bot's threads needs the channel cache.
    if (m.guild_id || !m.author) return;
    const t = { key: d.inbox.key(m.id), channelId: m.channel_id, userId: m.author.id, event: { type: 'text' as const, text: m.content ?? '' } };
    if (await acceptMessage(d, m.id, t.channelId, t.userId, t.event)) taken.push(t);
  };
  const drain: Drain | undefined = session && settings.token ? await drainSession({ session, token: settings.token, take, log: ctx.log }) : undefined;
  if (drain) ctx.log.info('discord: the previous session resumed', { outcome: drain.outcome, replayed: drain.replayed });
  return {
    async finish() {
      if (drain && !(await drain.end())) throw new HelpdeskError('store.unavailable', 'discord: a message of the previous session could not be taken');
      await keeper.write();
      keeper.start();
      for (const t of taken.splice(0)) await runTaken(d, t).catch((err: unknown) => ctx.log.error('discord: a resumed message could not be run', { code: 'discord.error', err }));
    },
  };
}

/** Closed with a code Discord keeps the session for (not 1000), so the next leader can resume it. */
async function closeResumably(client: Client): Promise<void> {
  // discord.js closes with 1000 (the session ends); its @discordjs/ws manager takes the code.
  const inner = (client.ws as unknown as { _ws?: { destroy(o: { code: number; reason: string }): Promise<void> } })._ws;
  await inner?.destroy({ code: 4200, reason: 'the session is handed to the next leader' }).catch(() => undefined);
  await client.destroy();
}

export function createDiscordChannel(ctx: ChannelContext, settings: DiscordSettings): DiscordChannel {
  const log = ctx.log;
  const client = discordClient(settings);
  const staff = new StaffCheck({ roles: settings.staffRole ? [settings.staffRole] : [] }, log, ctx.clock);
  const inbox = new Inbox(ctx.seen, 'discord', log, ctx.clock);
  const d: DiscordDeps = { ctx, settings, client, staff, inbox };
  const staffInbox = new Inbox(ctx.seen, STAFF_INBOX, log, ctx.clock);
  if (settings.staffChannel) ctx.staffChannel.attach(discordStaffSink(ctx, client, settings.staffChannel, settings.staffLang));
  const keeper = new SessionKeeper(ctx.shared, log);
  client.on('raw', (p: Dispatch) => keeper.dispatched(p));

  // A phone's clock measurement or a watch notice continues the conversation where it is: taken
  // from the outbox (see relay.ts) once the gateway is up, and as each one arrives.
  // Replies Discord did not take (down, or answering 5xx) go back to the outbox and are tried again
  // RELAY_RETRY_MS later; a refusal that will not change (4xx but 429) is logged and dropped.
  const backoff = new Map<string, NodeJS.Timeout>();
  async function relay(conversationId: string): Promise<void> {
    const [, channelId] = conversationId.split(':');
    if (!channelId || !client.isReady() || backoff.has(conversationId)) return;
    const replies = (await ctx.outbox.take(conversationId)) as Reply[];
    if (!replies.length) return;
    const conversation = await ctx.conversations.peek(conversationId);
    const payloads = renderMessages(replies, await replyExtras(ctx, conversationId, replies, conversation?.lang ?? 'en'));
    try {
      await sendAll(d, channelId, payloads);
    } catch (err) {
      if (!mayPass(err)) throw err;
      backoff.set(
        conversationId,
        setTimeout(() => {
          backoff.delete(conversationId);
          void relayLogged(conversationId);
        }, RELAY_RETRY_MS).unref(),
      );
      await ctx.outbox.push(conversationId, replies, ctx.clock.now());
      log.warn('discord did not take an out-of-band reply; it waits in the outbox', { code: 'channel.delivery', conversation: conversationId, err });
    }
  }
  const relayLogged = (conversationId: string) =>
    relay(conversationId).catch((err: unknown) => log.error('discord out-of-band delivery failed', { code: 'channel.delivery', conversation: conversationId, err }));
  let unsubscribe: (() => void) | undefined;
  const resume = async (now = ctx.clock.now()) => {
    if (!client.isReady()) return 0;
    const left = await inbox.claim(now);
    for (const a of left) {
      const { channel, user } = a.payload.to;
      if (!channel || !user) continue;
      await runTaken(d, { key: a.key, channelId: channel, userId: user, event: a.payload.event, retried: true }).catch((err: unknown) =>
        log.error('discord: an accepted message could not be finished', { code: 'discord.error', err }),
      );
    }
    // Staff replies in the staff channel's threads, accepted and not relayed.
    const replies = settings.staffChannel ? await staffInbox.claim(now) : [];
    for (const a of replies) await onStaffReply(d, staffInbox, a, true);
    return left.length + replies.length;
  };

  let firstReady!: () => void;
  const readyOnce = new Promise<void>((r) => (firstReady = r));
  const connection: Connection = new Connection({
    name: 'discord',
    log,
    attemptTimeoutMs: 30_000,
    async connect() {
      const previous = await takeOver(d, keeper);
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(settings.token);
      await ready;
      await previous.finish();
      firstReady();
      unsubscribe ??= ctx.outbox.onPush((id) => {
        if (id.startsWith('discord:')) void relayLogged(id);
      });
      for (const id of await ctx.outbox.waiting('discord:')) void relayLogged(id);
      // One look for both inboxes (resume claims the staff replies too).
      inbox.watch(resume);
    },
    disconnect: async () => {
      keeper.stop();
      // What waits in the outbox goes with the next gateway session, here or on the next leader.
      for (const t of backoff.values()) clearTimeout(t);
      backoff.clear();
      await closeResumably(client);
    },
  });
  watchGateway(d, connection);
  listen(d, keeper, staffInbox);

  return {
    client,
    connection,
    status: () => connection.status,
    async start() {
      connection.start();
    },
    ready: () => readyOnce,
    resume,
    async stop() {
      inbox.stop();
      staffInbox.stop();
      unsubscribe?.();
      await connection.stop();
    },
  };
}
