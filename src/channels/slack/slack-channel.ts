// The helpdesk in Slack (@slack/bolt): DMs, mentions (answered in the thread, continued in a DM),
// the App Home, the /2fa command, and /2fa-diagnose for staff. Everything about a person stays in
// their DM or is ephemeral. Checks run after Slack has its ack.
import type { RequestListener } from 'node:http';
import Bottleneck from 'bottleneck';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import type { ChannelContext } from '../context.ts';
import type { EngineEvent } from '../../engine/transition.ts';
import { catalogues, render, type Lang } from '../../i18n/index.ts';
import { langOfLocale, type ChannelKey } from '../../i18n/catalogue.ts';
import { identifyLanguage } from '../../understanding/language.ts';
import { parseIp, parseUsername } from '../../engine/input.ts';
import type { Logger } from '../../ports/logger.ts';
import { escapeMrkdwn, renderBlocks, renderReport } from './blocks.ts';
import { clockLinkFor } from '../clock-link.ts';
import { openStaffTicket } from '../staff-ticket.ts';
import { Connection, waitUp } from '../connection.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** How far a signed request's timestamp may be from now, either way (Slack's own rule is five minutes). */
const SLACK_CLOCK_TOLERANCE_MS = 5 * 60_000;

export interface SlackChannel {
  app: App;
  mode: 'http' | 'socket';
  /** HTTP mode: Bolt's receiver, mounted by the web server at POST /slack/events. */
  requestListener?: RequestListener;
  /** auth.test and (Socket Mode) the WebSocket: retried with backoff; its state is in /healthz. */
  connection: Connection;
  start(): Promise<void>;
  ready(): Promise<void>;
  stop(): Promise<void>;
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


export async function createSlackChannel(helpdesk: ChannelContext, options: SlackChannelOptions = {}): Promise<SlackChannel> {
  const cfg = helpdesk.config;
  const log = helpdesk.log;
  const token = cfg.SLACK_BOT_TOKEN as string;
  const clientOptions = {
    ...(cfg.SLACK_API_URL ? { slackApiUrl: cfg.SLACK_API_URL.endsWith('/') ? cfg.SLACK_API_URL : `${cfg.SLACK_API_URL}/` } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    timeout: 10_000,
  };
  const { botUserId, botId } = options;
  // Without the bot's ids Bolt asks auth.test; deferred, so an unreachable Slack is retried by the
  // connection below instead of failing (or hanging) the start.
  const deferred = !botUserId || !botId;
  const logger = boltLogger(log);
  const socket = Boolean(cfg.SLACK_APP_TOKEN);
  const receiver: Receiver = socket
    ? new SocketModeReceiver({ appToken: cfg.SLACK_APP_TOKEN as string, logger, installerOptions: { clientOptions } })
    : new HTTPReceiver({ signingSecret: cfg.SLACK_SIGNING_SECRET as string, endpoints: '/slack/events', logger, processBeforeResponse: false });
  const app = new App({
    token,
    ...(botId ? { botId } : {}),
    ...(botUserId ? { botUserId } : {}),
    receiver,
    logger,
    clientOptions: deferred ? { ...clientOptions, retryConfig: { retries: 0 }, timeout: 5000 } : clientOptions,
    deferInitialization: deferred,
  });
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

  const profiles = new Map<string, { email?: string; lang: Lang; at: number }>();
  /** The person's verified e-mail (their identity here) and their Slack client's language. */
  async function profileOf(client: WebClient, user: string): Promise<{ email?: string; lang: Lang }> {
    const hit = profiles.get(user);
    if (hit && Date.now() - hit.at < 10 * 60_000) return hit;
    try {
      const info = await client.users.info({ user, include_locale: true });
      const email = info.user?.profile?.email?.toLowerCase();
      const profile = { ...(email ? { email } : {}), lang: langOfLocale(info.user?.locale), at: Date.now() };
      profiles.set(user, profile);
      return profile;
    } catch (err) {
      log.warn('users.info failed; treating the person as unverified', { user, err });
      return { lang: 'en' };
    }
  }
  const emailOf = async (client: WebClient, user: string) => (await profileOf(client, user)).email;
  const say = (lang: Lang, key: ChannelKey, vars: Record<string, unknown> = {}) =>
    escapeMrkdwn(render(catalogues[lang].channel[key], { centre: cfg.CENTRE_NAME, command: cfg.SLACK_COMMAND, ...vars }));

  let staffGroup: { members: Set<string>; at: number } | undefined;
  async function isStaff(client: WebClient, user: string): Promise<boolean> {
    if (cfg.SLACK_STAFF_USERS.includes(user)) return true;
    if (!cfg.SLACK_STAFF_GROUP) return false;
    if (!staffGroup || Date.now() - staffGroup.at > 5 * 60_000) {
      try {
        const r = await client.usergroups.users.list({ usergroup: cfg.SLACK_STAFF_GROUP });
        staffGroup = { members: new Set(r.users ?? []), at: Date.now() };
      } catch (err) {
        log.warn('could not read the staff user group', { err });
        return false;
      }
    }
    return staffGroup.members.has(user);
  }

  async function dmWith(client: WebClient, user: string): Promise<string> {
    const r = await client.conversations.open({ users: user });
    if (!r.channel?.id) throw new Error('conversations.open gave no channel');
    return r.channel.id;
  }

  // Slack has its ack before a listener runs; the turns themselves are queued with a little
  // concurrency, so a burst of events never keeps the next acks waiting for the event loop.
  const work = new Bottleneck({ maxConcurrent: 4 });
  const chains = new Map<string, Promise<void>>();
  // Requests from Slack still waiting for their ack: turns wait for them (a little), acks go first.
  let acking = 0;
  let lastArrival = 0;
  let acked: Array<() => void> = [];
  const acksSent = () =>
    acking === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 250);
          acked.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
  /** Until no ack is pending and no request arrived for a few ms (at most half a second). */
  async function quiet(): Promise<void> {
    const until = Date.now() + 500;
    while (Date.now() < until) {
      await acksSent();
      if (acking === 0 && Date.now() - lastArrival >= 5) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  // The listener itself only notes the work; queueing it (and the duplicate check, a database
  // write) waits until the acks in flight are sent.
  let noted: Array<{ key: string; job: () => Promise<void>; eventId?: string }> = [];
  let stopping = false;
  function later(key: string, job: () => Promise<void>, eventId?: string): void {
    if (stopping) return;
    noted.push({ key, job, ...(eventId ? { eventId } : {}) });
    if (noted.length === 1) setImmediate(() => void quiet().then(queueNoted));
  }
  function queueNoted(): void {
    const batch = noted;
    noted = [];
    if (!batch.length) return;
    for (const { key, job, eventId } of batch) {
      // A retried delivery (X-Slack-Retry-Num) of an event already handled is dropped; the store
      // remembers event ids across a restart.
      // On every replica: the store is shared, so a retry sent to another replica is dropped there.
      const previous = chains.get(key) ?? Promise.resolve();
      const next = previous
        .then(async () => {
          if (eventId && !(await helpdesk.seen.markSeen(`slack:${eventId}`))) {
            log.info('slack: duplicate event dropped', { event: eventId });
            return;
          }
          await work.schedule(async () => {
            await quiet();
            await job();
          });
        })
        .catch((err: unknown) => log.error('slack turn failed', { code: 'slack.error', key, err }));
      chains.set(key, next);
      void next.then(() => {
        if (chains.get(key) === next) chains.delete(key);
      });
    }
  }

  /** One turn in a person's DM: one message per turn, updated in place while checks run. */
  async function converse(client: WebClient, team: string, channel: string, user: string, event: EngineEvent): Promise<void> {
    const email = await emailOf(client, user);
    const id = `slack:${team}:${channel}:${user}`;
    let progress: Promise<string | undefined> | undefined;
    const result = await helpdesk.runner.turn(id, event, {
      channel: 'slack',
      subject: email ? { user: email, email, identity: 'slack-email' } : {},
      requireProof: !email,
      origin: `slack:${user}`,
      onProgress: async (text) => {
        if (!progress) {
          progress = client.chat.postMessage({ channel, text: escapeMrkdwn(text) }).then((r) => r.ts);
          await progress;
          return;
        }
        const ts = await progress;
        if (ts) await client.chat.update({ channel, ts, text: escapeMrkdwn(text) });
      },
    });
    const rendered = renderBlocks(result.replies, await clockLinkFor(helpdesk, id, result.replies, result.snapshot.lang));
    const ts = progress ? await progress.catch(() => undefined) : undefined;
    if (ts) await client.chat.update({ channel, ts, blocks: rendered.blocks, text: rendered.text });
    else await client.chat.postMessage({ channel, blocks: rendered.blocks, text: rendered.text });
  }

  // A phone's clock measurement or an opened proof link continues the conversation in the DM.
  helpdesk.outOfBand.register('slack:', async (conversationId, replies) => {
    const [, , channel] = conversationId.split(':');
    if (!channel) return;
    const snapshot = await helpdesk.runner.peek(conversationId);
    const rendered = renderBlocks(replies, await clockLinkFor(helpdesk, conversationId, replies, snapshot?.lang ?? 'en'));
    await app.client.chat.postMessage({ channel, blocks: rendered.blocks, text: rendered.text });
  });

  const eventIdOf = (body: unknown) => {
    const id = (body as { event_id?: unknown }).event_id;
    return typeof id === 'string' ? id : undefined;
  };

  app.event('message', async ({ event, client, context, body }) => {
    const e = event as { channel_type?: string; subtype?: string; bot_id?: string; user?: string; text?: string; channel: string; team?: string };
    if (e.channel_type !== 'im' || e.subtype || e.bot_id || !e.user) return;
    const user = e.user;
    later(user, () => converse(client, context.teamId ?? e.team ?? 'T', e.channel, user, { type: 'text', text: e.text ?? '' }), eventIdOf(body));
  });

  app.event('app_mention', async ({ event, client, context, body }) => {
    const user = event.user;
    if (!user) return;
    const text = (event.text ?? '').replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ').trim();
    later(user, async () => {
      // Answered in the mention's own language; the profile's when the mention does not say.
      const lang = identifyLanguage(text).lang ?? (await profileOf(client, user)).lang;
      await client.chat.postMessage({
        channel: event.channel,
        thread_ts: event.thread_ts ?? event.ts,
        text: `<@${user}> ${say(lang, 'dm_sent')}`,
      });
      const dm = await dmWith(client, user);
      await converse(client, context.teamId ?? 'T', dm, user, text ? { type: 'text', text } : { type: 'start' });
    }, eventIdOf(body));
  });

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab && event.tab !== 'home') return;
    const { lang } = await profileOf(client, event.user);
    const topics = [...helpdesk.flows.values()].filter((f) => f.topic).sort((a, b) => a.order - b.order);
    await client.views.publish({
      user_id: event.user,
      view: {
        type: 'home',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: render(catalogues[lang].channel.home_title, { centre: cfg.CENTRE_NAME }) } },
          { type: 'section', text: { type: 'mrkdwn', text: say(lang, 'home_intro') } },
          {
            type: 'actions',
            block_id: 'home-topics',
            elements: topics.map((f) => ({ type: 'button' as const, action_id: `home-topic:${f.id}`, value: f.id, text: { type: 'plain_text' as const, text: f.title[lang].slice(0, 75) } })),
          },
          { type: 'context', elements: [{ type: 'mrkdwn', text: say(lang, 'never_share') }] },
        ],
      },
    });
  });

  app.action(/^choice:/, async ({ ack, body, action, client, context }) => {
    await ack();
    const b = body as { user: { id: string }; channel?: { id: string }; message?: { ts: string; blocks?: unknown[] }; team?: { id: string } | null };
    const id = (action as { value?: string }).value ?? '';
    const channel = b.channel?.id;
    if (!channel) return;
    const label = (action as { text?: { text?: string } }).text?.text ?? id;
    later(b.user.id, async () => {
    if (b.message?.ts && Array.isArray(b.message.blocks)) {
      // The buttons of an answered question go; what was chosen stays visible.
      const kept = (b.message.blocks as Array<{ type: string; block_id?: string }>).filter((x) => !(x.type === 'actions' && x.block_id === 'choices'));
      await client.chat
        .update({ channel, ts: b.message.ts, blocks: [...(kept as never[]), { type: 'context', elements: [{ type: 'mrkdwn', text: `→ ${escapeMrkdwn(label)}` }] }], text: escapeMrkdwn(label) })
        .catch((err: unknown) => log.warn('could not update the answered message', { err }));
    }
    await converse(client, context.teamId ?? b.team?.id ?? 'T', channel, b.user.id, { type: 'choice', id });
    });
  });

  app.action(/^home-topic:/, async ({ ack, body, action, client, context }) => {
    await ack();
    const user = (body as { user: { id: string } }).user.id;
    later(user, async () => {
      const dm = await dmWith(client, user);
      await converse(client, context.teamId ?? 'T', dm, user, { type: 'topic', flow: (action as { value?: string }).value ?? '' });
    });
  });

  app.action('clock-link', async ({ ack }) => {
    await ack();
  });

  app.command(cfg.SLACK_COMMAND, async ({ ack, command, client, context }) => {
    const inDm = command.channel_id.startsWith('D');
    await ack(inDm ? undefined : { response_type: 'ephemeral', text: "I've sent you a direct message, so anything about your account stays between us." });
    const text = command.text.trim();
    later(command.user_id, async () => {
      const dm = await dmWith(client, command.user_id);
      await converse(client, context.teamId ?? command.team_id, dm, command.user_id, text ? { type: 'text', text } : { type: 'start' });
    });
  });

  async function target(client: WebClient, raw: string, lang: Lang): Promise<{ who?: string; ip?: string; problem?: string }> {
    const [first = '', second] = raw.trim().split(/\s+/);
    const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(first);
    const ip = second === undefined ? undefined : parseIp(second);
    if (second !== undefined && !ip) return { problem: say(lang, 'not_an_ip', { what: second.slice(0, 60) }) };
    if (mention?.[1]) {
      const email = await emailOf(client, mention[1]);
      return email ? { who: email, ...(ip ? { ip } : {}) } : { problem: say(lang, 'no_profile_email') };
    }
    const who = parseUsername(first);
    return who ? { who, ...(ip ? { ip } : {}) } : { problem: say(lang, 'diagnose_usage', { command: cfg.SLACK_DIAGNOSE_COMMAND }) };
  }

  async function report(who: string, ip: string | undefined, lang: Lang) {
    const r = await helpdesk.diagnose({ user: who, lang, ...(ip ? { ip } : {}) });
    return { report: r, rendered: renderReport(r, who, ip, lang, { ...helpdesk.words }) };
  }

  app.command(cfg.SLACK_DIAGNOSE_COMMAND, async ({ ack, command, client, respond }) => {
    // Ack at once, the same way for everyone: whether the person is staff is decided afterwards.
    await ack({ response_type: 'ephemeral', text: catalogues.en.channel.one_moment });
    const { lang } = await profileOf(client, command.user_id);
    if (!(await isStaff(client, command.user_id))) {
      await respond({ response_type: 'ephemeral', replace_original: true, text: say(lang, 'refusal_slack') });
      return;
    }
    const t = await target(client, command.text, lang);
    if (!t.who) {
      await respond({ response_type: 'ephemeral', replace_original: true, text: t.problem ?? say(lang, 'diagnose_usage', { command: cfg.SLACK_DIAGNOSE_COMMAND }) });
      return;
    }
    const { rendered } = await report(t.who, t.ip, lang);
    await respond({ response_type: 'ephemeral', replace_original: true, blocks: rendered.blocks, text: rendered.text });
  });

  app.action(/^diag:/, async ({ ack, body, action, client, respond }) => {
    await ack();
    const user = (body as { user: { id: string } }).user.id;
    const { lang } = await profileOf(client, user);
    if (!(await isStaff(client, user))) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: say(lang, 'refusal_slack') });
      return;
    }
    let value: { u?: unknown; ip?: unknown };
    try {
      value = JSON.parse((action as { value?: string }).value ?? '{}') as typeof value;
    } catch {
      return;
    }
    const who = typeof value.u === 'string' ? parseUsername(value.u) : undefined;
    const ip = typeof value.ip === 'string' ? parseIp(value.ip) : undefined;
    if (!who) return;
    const kind = (action as { action_id: string }).action_id;
    if (kind === 'diag:rerun') {
      const { rendered } = await report(who, ip, lang);
      await respond({ response_type: 'ephemeral', replace_original: true, blocks: rendered.blocks, text: rendered.text });
      return;
    }
    if (kind === 'diag:transcript') {
      const conv = await helpdesk.lookup.latestAbout('slack:', who);
      const lines = conv ? helpdesk.runner.transcript(conv, 'en') : [];
      const text = lines.length ? `${say(lang, 'latest_conversation', { who })}\n\`\`\`${escapeMrkdwn(lines.join('\n').slice(-2800))}\`\`\`` : say(lang, 'no_conversation', { who });
      await respond({ response_type: 'ephemeral', replace_original: false, text });
      return;
    }
    if (kind === 'diag:ticket') {
      const reference = await openStaffTicket(helpdesk, { platform: 'slack', who, ...(ip ? { ip } : {}), staffId: user });
      await respond({ response_type: 'ephemeral', replace_original: false, text: say(lang, 'ticket_opened', { reference, who }) });
    }
  });

  app.error(async (err) => {
    log.error('slack listener failed', { code: 'slack.error', err });
  });

  return {
    app,
    mode: socket ? 'socket' : 'http',
    ...(socket
      ? {}
      : {
          requestListener: (req, res) => {
            // Bolt refuses requests older than five minutes but not ones from the future: a signed
            // request stamped a year ahead could be replayed all year. Both sides of now count.
            const stamp = Number(req.headers['x-slack-request-timestamp']);
            if (Number.isFinite(stamp) && stamp * 1000 > Date.now() + SLACK_CLOCK_TOLERANCE_MS) {
              res.writeHead(401, { 'content-type': 'text/plain' }).end('request timestamp is in the future\n');
              return;
            }
            acking++;
            lastArrival = Date.now();
            res.once('close', () => {
              acking--;
              if (acking === 0) {
                const waiting = acked;
                acked = [];
                for (const w of waiting) w();
              }
            });
            (receiver as HTTPReceiver).requestListener(req, res);
          },
        }),
    connection,
    /** Starts connecting in the background (auth.test, and Socket Mode's WebSocket), retried until Slack answers. */
    async start() {
      connection.start();
    },
    ready: () => waitUp(connection),
    /** Finishes the turns already acked (for up to 5 s), then takes no more. */
    async stop() {
      stopping = true;
      queueNoted();
      await Promise.race([Promise.allSettled([...chains.values()]), new Promise((r) => setTimeout(r, 5_000).unref())]);
      await work.stop({ dropWaitingJobs: true }).catch(() => undefined);
      await connection.stop();
    },
  };
}
