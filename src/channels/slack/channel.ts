// The helpdesk in Slack (@slack/bolt): DMs, mentions (answered in the thread, continued in a DM),
// the App Home, the /2fa command, and /2fa-diagnose for staff. Everything about a person stays in
// their DM or is ephemeral. Checks run after Slack has its ack. The listeners are in listeners/.
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import type { ChannelContext } from '../context.ts';
import { isHelpdeskError } from '../../errors.ts';
import type { RunningChannel } from '../contract.ts';
import type { Logger } from '../../ports/logger.ts';
import { Connection, waitUp } from '../shared/connection.ts';
import { StaffCheck } from '../shared/staff.ts';
import { registerSlackDelivery } from './delivery.ts';
import { resume as resumeTurn, type SlackDeps } from './deps.ts';
import { guardRequests } from './middleware/request-guard.ts';
import { registerChoices } from './listeners/choices.ts';
import { registerCommand } from './listeners/command.ts';
import { registerDiagnose } from './listeners/diagnose.ts';
import { registerHome } from './listeners/home.ts';
import { registerMessages } from './listeners/messages.ts';
import { onStaffReply, registerStaff, STAFF_INBOX } from './listeners/staff.ts';
import { slackStaffSink } from './staff-sink.ts';
import { Profiles } from './profiles.ts';
import type { SlackSettings } from './settings.ts';
import { TurnQueue } from './turn-queue.ts';
import { Inbox } from '../shared/inbox.ts';

export interface SlackChannel extends RunningChannel {
  app: App;
  mode: 'http' | 'socket';
  /** auth.test and (Socket Mode) the WebSocket: retried with backoff; its state is in /healthz. */
  connection: Connection;
  ready(): Promise<void>;
  /** Takes the inbox's acked events left unfinished by a replica that died; resolves to how many. */
  resume(now?: number): Promise<number>;
}

export interface SlackChannelOptions {
  /** Who the bot is; asked of auth.test when not given. */
  botUserId?: string;
  botId?: string;
}

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.WARN;
  return {
    debug: () => {},
    info: () => {},
    warn: (...msg: unknown[]) => log.warn('slack', { detail: msg.map(String).join(' ') }),
    error: (...msg: unknown[]) => log.error('slack', { code: 'slack.error', detail: msg.map(String).join(' ') }),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** The Bolt app on its receiver: Socket Mode with an app token, else HTTP (mounted at /slack/events). */
function boltApp(settings: SlackSettings, log: Logger, options: SlackChannelOptions) {
  const clientOptions = {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl.endsWith('/') ? settings.apiUrl : `${settings.apiUrl}/` } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    timeout: 10_000,
  };
  const { botUserId, botId } = options;
  // Without the bot's ids Bolt asks auth.test; deferred, so an unreachable Slack is retried by the
  // connection instead of failing (or hanging) the start.
  const deferred = !botUserId || !botId;
  const logger = boltLogger(log);
  // processBeforeResponse: the HTTP answer (the ack) goes once the listeners return, so an event is
  // in the inbox before Slack has its ack; listeners only accept and queue, the work runs after.
  const receiver: Receiver = settings.appToken
    ? new SocketModeReceiver({ appToken: settings.appToken, logger, installerOptions: { clientOptions } })
    : new HTTPReceiver({ signingSecret: settings.signingSecret ?? '', endpoints: '/slack/events', logger, processBeforeResponse: true });
  const app = new App({
    token: settings.botToken ?? '',
    ...(botId ? { botId } : {}),
    ...(botUserId ? { botUserId } : {}),
    receiver,
    logger,
    clientOptions: deferred ? { ...clientOptions, retryConfig: { retries: 0 }, timeout: 5000 } : clientOptions,
    deferInitialization: deferred,
  });
  return { app, receiver, deferred };
}

export async function createSlackChannel(ctx: ChannelContext, settings: SlackSettings, options: SlackChannelOptions = {}): Promise<SlackChannel> {
  const log = ctx.log;
  const { app, receiver, deferred } = boltApp(settings, log, options);
  const socket = Boolean(settings.appToken);
  let initialized = !deferred;
  const connection = new Connection({
    name: 'slack',
    log,
    attemptTimeoutMs: 20_000,
    async connect() {
      if (!initialized) {
        await app.init();
        initialized = true;
      }
      if (socket) await app.start();
    },
    disconnect: async () => {
      if (socket) await app.stop().catch(() => undefined);
    },
  });
  const staffGroup = settings.staffGroup;
  const staff = new StaffCheck(
    {
      users: settings.staffUsers,
      ...(staffGroup ? { group: async () => (await app.client.usergroups.users.list({ usergroup: staffGroup })).users ?? [] } : {}),
    },
    log,
    ctx.clock,
  );
  const inbox = new Inbox(ctx.seen, 'slack', log, ctx.clock);
  const staffInbox = new Inbox(ctx.seen, STAFF_INBOX, log, ctx.clock);
  const queue = new TurnQueue(inbox, log);
  const d: SlackDeps = { ctx, settings, queue, profiles: new Profiles(ctx.words, log), staff };

  // A phone's clock measurement, an opened proof link or a staff reply continues the conversation in the DM.
  registerSlackDelivery(ctx, app.client);
  registerMessages(app, d);
  registerHome(app, d);
  registerChoices(app, d);
  registerCommand(app, d);
  registerDiagnose(app, d);
  if (settings.staffChannel) {
    registerStaff(app, d, settings.staffChannel, staffInbox);
    ctx.staffChannel.attach(slackStaffSink(ctx, app.client, settings.staffChannel, settings.staffLang));
  }
  const resume = async (now = ctx.clock.now()) => {
    const left = await inbox.claim(now);
    for (const a of left) d.queue.later(a.payload.to.user ?? a.key, () => resumeTurn(d, app.client, a));
    // Staff replies in the staff channel's threads, accepted and not relayed.
    const replies = settings.staffChannel ? await staffInbox.claim(now) : [];
    for (const a of replies) d.queue.later(`staff:${a.payload.to.thread ?? a.key}`, () => onStaffReply(d, app.client, staffInbox, a, true));
    if (left.length + replies.length) log.warn('slack: acked events resumed from the inbox', { count: left.length + replies.length });
    return left.length + replies.length;
  };
  app.error(async (err) => {
    log.error('slack listener failed', { code: 'slack.error', err });
    // An event the inbox could not take is not acked (500): Slack sends it again.
    if (isHelpdeskError(err, 'store.unavailable')) throw err;
  });

  return {
    app,
    mode: socket ? 'socket' : 'http',
    ...(socket ? {} : { routes: [{ method: 'POST' as const, path: '/slack/events', handle: guardRequests(queue, (receiver as HTTPReceiver).requestListener) }] }),
    connection,
    status: () => connection.status,
    banner: [`Slack: ${socket ? 'Socket Mode' : `Events API at ${ctx.site.publicUrl}/slack/events`} (connecting; state in /healthz)`],
    /** Starts connecting in the background (auth.test, and Socket Mode's WebSocket), retried until Slack answers. */
    async start() {
      connection.start();
      // Every replica looks; the lease gives each event to one.
      inbox.watch(resume);
    },
    resume,
    ready: () => waitUp(connection),
    /** Finishes the turns already acked (for up to 5 s), then takes no more. */
    async stop() {
      inbox.stop();
      await queue.stop();
      await connection.stop();
    },
  };
}
