// The helpdesk in Discord (discord.js 14): /2fa starts a conversation in a DM or a private thread,
// choices are buttons, a DM with free text works too; /2fa-diagnose is for a staff role. Discord
// gives no verified e-mail, so account facts follow the e-mail proof of the web page. Every
// interaction is deferred at once; gateway errors are logged, never fatal.
import {
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  type SendableChannels,
} from 'discord.js';
import type { ChannelContext } from '../context.ts';
import type { Reply } from '../../engine/replies.ts';
import type { EngineEvent } from '../../engine/transition.ts';
import { parseIp, parseUsername } from '../../engine/input.ts';
import { renderMessages, renderReport, safeText, type DiscordPayload } from './render.ts';
import { clockLinkFor } from '../clock-link.ts';
import { openStaffTicket } from '../staff-ticket.ts';
import { Connection } from '../connection.ts';
import { catalogues, render } from '../../i18n/index.ts';
import { langOfLocale, type ChannelKey } from '../../i18n/catalogue.ts';

export interface DiscordChannel {
  client: Client;
  /** The gateway connection: retried with backoff until Discord answers; its state is in /healthz. */
  connection: Connection;
  /** Starts connecting in the background; `ready` resolves on the first successful connection. */
  start(): Promise<void>;
  ready(): Promise<void>;
  stop(): Promise<void>;
}

/** A channel text in the language of the person's Discord client. */
function say(locale: string | undefined, key: ChannelKey, vars: Record<string, unknown> = {}): string {
  return render(catalogues[langOfLocale(locale)].channel[key], vars);
}

/**
 * Replies made out of band (a phone's clock measurement, a watch notice) for Discord conversations
 * wait in the store's outbox: the gateway session, and so the client that can send them, is held
 * by one replica, the leader. Registered on every replica.
 */
export function registerDiscordRelay(helpdesk: Pick<ChannelContext, 'outOfBand' | 'outbox' | 'clock'>): void {
  helpdesk.outOfBand.register('discord:', (conversationId, replies) => helpdesk.outbox.push(conversationId, replies, helpdesk.clock.now()));
}

export function createDiscordChannel(helpdesk: ChannelContext): DiscordChannel {
  const cfg = helpdesk.config;
  const log = helpdesk.log;
  const thread = cfg.DISCORD_CONVERSATION === 'thread';
  const client = new Client({
    // Free text in a private thread needs the (privileged) Message Content intent; DMs do not.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages, ...(thread ? [GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent] : [])],
    partials: [Partials.Channel],
    allowedMentions: { parse: [], repliedUser: false },
    ...(cfg.DISCORD_API_URL ? { rest: { api: cfg.DISCORD_API_URL } } : {}),
  });

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

  async function turn(channelId: string, userId: string, event: EngineEvent): Promise<DiscordPayload[]> {
    const id = `discord:${channelId}:${userId}`;
    const result = await helpdesk.runner.turn(id, event, { channel: 'discord', requireProof: true, origin: `discord:${userId}` });
    return renderMessages(result.replies, await clockLinkFor(helpdesk, id, result.replies, result.snapshot.lang));
  }

  async function sendAll(channelId: string, payloads: DiscordPayload[]): Promise<void> {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isSendable()) throw new Error(`cannot send to channel ${channelId}`);
    for (const p of payloads) await (channel as SendableChannels).send(p);
  }

  // A phone's clock measurement or a watch notice continues the conversation where it is: taken
  // from the outbox (see registerDiscordRelay) once the gateway is up, and as each one arrives.
  async function relay(conversationId: string): Promise<void> {
    const [, channelId] = conversationId.split(':');
    if (!channelId || !client.isReady()) return;
    const replies = (await helpdesk.outbox.take(conversationId)) as Reply[];
    if (!replies.length) return;
    const snapshot = await helpdesk.runner.peek(conversationId);
    await sendAll(channelId, renderMessages(replies, await clockLinkFor(helpdesk, conversationId, replies, snapshot?.lang ?? 'en')));
  }
  const relayLogged = (conversationId: string) =>
    relay(conversationId).catch((err: unknown) => log.error('discord out-of-band delivery failed', { code: 'channel.delivery', conversation: conversationId, err }));
  let unsubscribe: (() => void) | undefined;

  function isStaff(interaction: ChatInputCommandInteraction | ButtonInteraction): boolean {
    const role = cfg.DISCORD_STAFF_ROLE;
    if (!role || !interaction.inGuild()) return false;
    const roles = interaction.member.roles;
    return Array.isArray(roles) ? roles.includes(role) : roles.cache.has(role);
  }

  async function start2fa(i: ChatInputCommandInteraction): Promise<void> {
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    const problem = i.options.getString('problem')?.trim();
    // Greeted in the client's language only; what the person then types decides the conversation's.
    const event: EngineEvent = problem ? { type: 'text', text: problem } : { type: 'start', lang: langOfLocale(i.locale) };
    if (!i.inGuild()) {
      // Already a DM with the bot: the conversation is right here.
      const [first, ...rest] = await turn(i.channelId, i.user.id, event);
      await i.editReply(first ?? { content: '…' });
      for (const p of rest) await i.followUp(p);
      return;
    }
    if (thread && i.channel && i.channel.type === ChannelType.GuildText) {
      const t = await i.channel.threads.create({ name: `2FA help: ${i.user.username}`.slice(0, 90), type: ChannelType.PrivateThread, invitable: false, autoArchiveDuration: 60 });
      await t.members.add(i.user.id);
      await sendAll(t.id, await turn(t.id, i.user.id, event));
      await i.editReply({ content: say(i.locale, 'thread_opened', { thread: `<#${t.id}>` }), allowedMentions: { parse: [] } });
      return;
    }
    const dm = await i.user.createDM();
    await sendAll(dm.id, await turn(dm.id, i.user.id, event));
    await i.editReply({ content: say(i.locale, 'dm_sent'), allowedMentions: { parse: [] } });
  }

  async function diagnoseCommand(i: ChatInputCommandInteraction): Promise<void> {
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    if (!isStaff(i)) {
      await i.editReply({ content: say(i.locale, 'refusal_discord'), allowedMentions: { parse: [] } });
      return;
    }
    const who = parseUsername(i.options.getString('user', true));
    const rawIp = i.options.getString('ip');
    const ip = rawIp ? parseIp(rawIp) : undefined;
    if (!who || (rawIp && !ip)) {
      await i.editReply({ content: say(i.locale, 'diagnose_usage', { command: '/2fa-diagnose user:<username|email> ip:<address>' }), allowedMentions: { parse: [] } });
      return;
    }
    const lang = langOfLocale(i.locale);
    const report = await helpdesk.diagnose({ user: who, lang, ...(ip ? { ip } : {}) });
    await i.editReply(renderReport(report, who, ip, lang, { ...helpdesk.words }));
  }

  async function button(i: ButtonInteraction): Promise<void> {
    if (i.customId.startsWith('choice:')) {
      await i.deferUpdate();
      const id = i.customId.slice('choice:'.length);
      const label = (i.component && 'label' in i.component ? i.component.label : undefined) ?? id;
      // The answered question keeps its text and shows the choice; its buttons go.
      await i.editReply({ content: `${i.message.content}\n→ ${safeText(label)}`.slice(0, 2000), components: [], allowedMentions: { parse: [] } }).catch((err: unknown) => log.warn('could not update the answered message', { err }));
      await sendAll(i.channelId, await turn(i.channelId, i.user.id, { type: 'choice', id }));
      return;
    }
    if (i.customId.startsWith('diag:')) {
      const [, kind, key = ''] = i.customId.split(':');
      if (!isStaff(i)) {
        await i.reply({ content: say(i.locale, 'refusal_discord'), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
        return;
      }
      let value: { u?: unknown; ip?: unknown } = {};
      try {
        value = JSON.parse(Buffer.from(key, 'base64url').toString('utf8')) as typeof value;
      } catch {
        /* a mangled id is ignored below */
      }
      const who = typeof value.u === 'string' ? parseUsername(value.u) : undefined;
      const ip = typeof value.ip === 'string' ? parseIp(value.ip) : undefined;
      if (!who) return;
      if (kind === 'rerun') {
        await i.deferUpdate();
        const lang = langOfLocale(i.locale);
        await i.editReply(renderReport(await helpdesk.diagnose({ user: who, lang, ...(ip ? { ip } : {}) }), who, ip, lang, { ...helpdesk.words }));
        return;
      }
      if (kind === 'ticket') {
        await i.deferReply({ flags: MessageFlags.Ephemeral });
        const reference = await openStaffTicket(helpdesk, { platform: 'discord', who, ...(ip ? { ip } : {}), staffId: i.user.id });
        await i.editReply({ content: say(i.locale, 'ticket_opened', { reference, who: safeText(who) }), allowedMentions: { parse: [] } });
      }
    }
  }

  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    const run = async () => {
      if (interaction.isChatInputCommand()) {
        if (interaction.commandName === '2fa') return start2fa(interaction);
        if (interaction.commandName === '2fa-diagnose') return diagnoseCommand(interaction);
      } else if (interaction.isButton()) {
        return button(interaction);
      }
    };
    run().catch(async (err: unknown) => {
      log.error('discord interaction failed', { code: 'discord.error', err });
      if (interaction.isRepliable() && (interaction.deferred || interaction.replied)) {
        await interaction.editReply({ content: say(interaction.locale, 'something_wrong', { support_url: cfg.SUPPORT_URL }), allowedMentions: { parse: [] } }).catch(() => undefined);
      }
    });
  });

  client.on(Events.MessageCreate, (message: Message) => {
    if (message.author.bot) return;
    const inDm = message.channel.type === ChannelType.DM;
    const inOurThread = thread && message.channel.type === ChannelType.PrivateThread && message.channel.ownerId === client.user?.id;
    if (!inDm && !inOurThread) return;
    turn(message.channelId, message.author.id, { type: 'text', text: message.content })
      .then((payloads) => sendAll(message.channelId, payloads))
      .catch((err: unknown) => log.error('discord message failed', { code: 'discord.error', err }));
  });

  let firstReady!: () => void;
  const readyOnce = new Promise<void>((r) => (firstReady = r));
  const connection: Connection = new Connection({
    name: 'discord',
    log,
    attemptTimeoutMs: 30_000,
    async connect() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(cfg.DISCORD_TOKEN);
      await ready;
      firstReady();
      unsubscribe ??= helpdesk.outbox.onPush((id) => {
        if (id.startsWith('discord:')) void relayLogged(id);
      });
      for (const id of await helpdesk.outbox.waiting('discord:')) void relayLogged(id);
    },
    disconnect: () => client.destroy(),
  });

  return {
    client,
    connection,
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
