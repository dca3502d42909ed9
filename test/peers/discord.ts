// A local Discord: the REST API (HTTP) and the gateway (WebSocket) that the real discord.js client
// talks to. GET /gateway/bot points at ws://127.0.0.1; the gateway says HELLO, answers IDENTIFY
// with READY and GUILD_CREATE, acks heartbeats, supports RESUME after an op 7 RECONNECT, and
// records every REST call the bot makes.
//
// Sessions as Discord keeps them (https://discord.com/developers/docs/events/gateway#resuming and
// #disconnecting): each IDENTIFY starts a session with its own sequence; every dispatch goes to every
// live session, numbered in it, and is kept for it. A connection closed with 1000 or 1001 ends its
// session; closed any other way (a crash, 4200, a dropped TCP) the session stays resumable for
// `resumableMs`, and what is dispatched meanwhile waits in it. RESUME (op 6) with its session_id and
// the last seq received replays every later event, then RESUMED; an unknown or ended session gets
// INVALID_SESSION (op 9, d: false). Resuming a session another connection holds closes that one.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const BOT_ID = '100000000000000001';
export const APP_ID = '100000000000000002';
export const GUILD_ID = '200000000000000001';
export const CHANNEL_ID = '300000000000000001';
export const STAFF_ROLE = '400000000000000001';
/** A text channel of the server, for the staff channel's cards. */
export const STAFF_CHANNEL_ID = '300000000000000002';

export interface RestCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  at: number;
}

export interface DiscordUser {
  id: string;
  username: string;
  /** Their nickname in the server (what the server shows instead of the username). */
  nick?: string;
}

export interface DiscordPeer {
  apiUrl: string;
  calls: RestCall[];
  connections: number;
  /** Gateway connections holding a session right now. */
  readonly open: number;
  /** Sessions that get dispatches: connected, or closed resumably and not yet expired. */
  readonly sessions: number;
  identifies: number;
  resumes: number;
  /** RESUMEs refused (op 9) because the session was unknown or had ended. */
  invalidResumes: number;
  /** Sent time (ms) of each INTERACTION_CREATE, by interaction id. */
  dispatchedAt: Map<string, number>;
  ready: Promise<void>;
  dispatch(t: string, d: unknown): void;
  reconnect(): void;
  interaction(kind: 'command' | 'button', options: { user: DiscordUser; roles?: string[]; name?: string; options?: Array<{ name: string; type: number; value: string }>; customId?: string; dm?: boolean; channelId?: string; locale?: string }): string;
  dmMessage(user: DiscordUser, content: string, channelId?: string): string;
  /** A message from a user in a guild channel or thread (with the member's roles); its id. */
  guildMessage(user: DiscordUser, channelId: string, content: string, roles?: string[], id?: string): string;
  /** The messages the bot posted and has not deleted, by channel (edits applied), oldest first. */
  messages: Map<string, Array<Record<string, unknown>>>;
  /** Answers a REST call with this status and Discord error instead, when it returns one. */
  refuse?: (c: RestCall) => { status: number; code: number; message: string } | undefined;
  /** The DM channel the bot has with a user (created by the bot or by the user's first message). */
  dmChannelOf(userId: string): string | undefined;
  waitFor(predicate: (c: RestCall) => boolean, timeoutMs?: number): Promise<RestCall>;
  close(): Promise<void>;
}

let snow = 500000000000000000n;
const nextId = () => String(++snow);

function message(channelId: string, body: Record<string, unknown>, author = { id: BOT_ID, username: 'helpdesk', discriminator: '0', avatar: null, bot: true, global_name: null }) {
  return {
    id: nextId(),
    channel_id: channelId,
    author,
    content: body.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: body.embeds ?? [],
    pinned: false,
    type: 0,
    flags: body.flags ?? 0,
    components: body.components ?? [],
  };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const c of req) text += c;
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { raw: text };
  }
}

interface Session {
  id: string;
  seq: number;
  /** Everything dispatched to the session (the last 1 000), for a RESUME to replay. */
  kept: Array<{ s: number; t: string; d: unknown }>;
  socket?: WebSocket;
  /** When its connection closed resumably; undefined while connected. */
  closedAt?: number;
}

export async function startDiscord(options: { port?: number; resumableMs?: number } = {}): Promise<DiscordPeer> {
  const resumableMs = options.resumableMs ?? 120_000;
  let sessionCount = 0;
  /** The connection that identified or resumed last (op 7 RECONNECT goes to it). */
  let socket: WebSocket | undefined;
  const sessions = new Map<string, Session>();
  const live = () => {
    for (const [id, x] of sessions) if (x.closedAt !== undefined && Date.now() - x.closedAt > resumableMs) sessions.delete(id);
    return [...sessions.values()];
  };
  const send = (x: Session, t: string, d: unknown) => {
    const s = ++x.seq;
    x.kept.push({ s, t, d });
    if (x.kept.length > 1000) x.kept.shift();
    if (x.socket?.readyState === x.socket?.OPEN) x.socket?.send(JSON.stringify({ op: 0, t, s, d }));
  };
  let resolveReady!: () => void;
  const dmChannels = new Map<string, string>();
  /** Threads the bot started, by id (a thread started from a message has the message's id). */
  const threads = new Map<string, Record<string, unknown>>();
  const members = new Map<string, DiscordUser>();
  const posted = (channelId: string) => peer.messages.get(channelId) ?? peer.messages.set(channelId, []).get(channelId)!;
  const thread = (id: string, parent: string, name: unknown) => ({ id, type: 11, guild_id: GUILD_ID, parent_id: parent, name: name ?? 'thread', owner_id: BOT_ID, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false }, member_count: 1, message_count: 0 });
  const peer: DiscordPeer = {
    apiUrl: '',
    calls: [],
    connections: 0,
    get open() {
      return live().filter((x) => x.socket).length;
    },
    get sessions() {
      return live().length;
    },
    identifies: 0,
    resumes: 0,
    invalidResumes: 0,
    dispatchedAt: new Map(),
    ready: new Promise<void>((r) => (resolveReady = r)),
    dispatch(t, d) {
      for (const x of live()) send(x, t, d);
    },
    reconnect() {
      socket?.send(JSON.stringify({ op: 7, d: null }));
    },
    interaction(kind, o) {
      const id = nextId();
      const user = { id: o.user.id, username: o.user.username, discriminator: '0', avatar: null, global_name: o.user.username };
      members.set(o.user.id, o.user);
      const channelId = o.channelId ?? (o.dm ? dmChannels.get(o.user.id) ?? nextId() : CHANNEL_ID);
      const base = {
        id,
        application_id: APP_ID,
        token: `tok-${id}`,
        version: 1,
        locale: o.locale ?? 'en-GB',
        app_permissions: '2147483647',
        entitlements: [],
        authorizing_integration_owners: {},
        context: o.dm ? 1 : 0,
        channel_id: channelId,
        channel: o.dm ? { id: channelId, type: 1, recipients: [user] } : { id: channelId, type: 0, guild_id: GUILD_ID, name: 'general' },
        ...(o.dm ? { user } : { guild_id: GUILD_ID, member: { user, nick: o.user.nick ?? null, roles: o.roles ?? [], permissions: '2147483647', joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 } }),
      };
      const d =
        kind === 'command'
          ? { ...base, type: 2, data: { id: nextId(), name: o.name ?? '2fa', type: 1, options: o.options ?? [] } }
          : {
              ...base,
              type: 3,
              data: { custom_id: o.customId ?? '', component_type: 2 },
              // The message the button was on, as Discord sends it.
              message: message(channelId, { content: 'earlier', components: [{ type: 1, components: [{ type: 2, style: 2, label: 'A choice', custom_id: o.customId ?? '' }] }] }),
            };
      peer.dispatchedAt.set(id, Date.now());
      peer.dispatch('INTERACTION_CREATE', d);
      return id;
    },
    dmMessage(user, content, channelId) {
      const ch = channelId ?? dmChannels.get(user.id) ?? nextId();
      dmChannels.set(user.id, ch);
      const m = message(ch, { content }, { id: user.id, username: user.username, discriminator: '0', avatar: null, bot: false, global_name: user.username } as never);
      // Discord marks a DM's messages with their channel type; discord.js needs it to build the DM channel.
      peer.dispatch('MESSAGE_CREATE', { ...m, channel_type: 1 });
      return ch;
    },
    dmChannelOf: (userId) => dmChannels.get(userId),
    guildMessage(user, channelId, content, roles = [], id) {
      members.set(user.id, user);
      const author = { id: user.id, username: user.username, discriminator: '0', avatar: null, bot: false, global_name: user.username };
      const m = { ...message(channelId, { content }, author as never), ...(id ? { id } : {}) };
      peer.dispatch('MESSAGE_CREATE', { ...m, guild_id: GUILD_ID, member: { nick: user.nick ?? null, roles, joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 } });
      return m.id;
    },
    messages: new Map(),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = peer.calls.find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching Discord REST call in ${timeoutMs} ms; calls: ${peer.calls.map((c) => `${c.method} ${c.path}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const body = await readBody(req);
    peer.calls.push({ method: req.method ?? 'GET', path, body, at: Date.now() });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(value === undefined ? '' : JSON.stringify(value));
    };
    let m: RegExpExecArray | null;
    if (path === '/gateway/bot') return json(200, { url: wsUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
    if (path === '/users/@me/channels' && req.method === 'POST') {
      const recipient = String(body.recipient_id);
      const id = dmChannels.get(recipient) ?? nextId();
      dmChannels.set(recipient, id);
      return json(200, { id, type: 1, last_message_id: null, recipients: [{ id: recipient, username: 'someone', discriminator: '0', avatar: null }] });
    }
    if ((m = /^\/interactions\/(\d+)\/[^/]+\/callback$/.exec(path))) {
      res.writeHead(204);
      res.end();
      return;
    }
    if ((m = /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.exec(path))) return json(200, message(CHANNEL_ID, body));
    if ((m = /^\/webhooks\/\d+\/[^/]+$/.exec(path))) return json(200, message(CHANNEL_ID, body));
    const refused = peer.refuse?.(peer.calls.at(-1)!);
    if (refused) return json(refused.status, { message: refused.message, code: refused.code });
    if ((m = /^\/guilds\/\d+\/members\/(\d+)$/.exec(path)) && req.method === 'GET') {
      const u = members.get(m[1] as string);
      if (!u) return json(404, { message: 'Unknown Member', code: 10007 });
      return json(200, { user: { id: u.id, username: u.username, discriminator: '0', avatar: null, global_name: u.username }, nick: u.nick ?? null, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 });
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && req.method === 'GET') {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      return json(200, [...posted(m[1] as string)].reverse().slice(0, limit));
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && req.method === 'GET') {
      const found = posted(m[1] as string).find((x) => x.id === m?.[2]);
      return found ? json(200, found) : json(404, { message: 'Unknown Message', code: 10008 });
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path)) && req.method === 'POST') {
      const found = posted(m[1] as string).find((x) => x.id === m?.[2]);
      if (!found) return json(404, { message: 'Unknown Message', code: 10008 });
      if (threads.has(m[2] as string)) return json(400, { message: 'A thread has already been created for this message', code: 160004 });
      const t = thread(m[2] as string, m[1] as string, body.name);
      threads.set(t.id, t);
      found.thread = t;
      // MessageFlags.HasThread
      found.flags = Number(found.flags ?? 0) | 32;
      return json(201, t);
    }
    if ((m = /^\/channels\/(\d+)$/.exec(path)) && req.method === 'GET' && (threads.has(m[1] as string) || m[1] === STAFF_CHANNEL_ID)) {
      return json(200, threads.get(m[1] as string) ?? { id: STAFF_CHANNEL_ID, type: 0, name: 'helpdesk-staff', guild_id: GUILD_ID, position: 1, permission_overwrites: [], parent_id: null });
    }
    if ((m = /^\/channels\/(\d+)$/.exec(path)) && req.method === 'GET') {
      const owner = [...dmChannels.entries()].find(([, ch]) => ch === m?.[1])?.[0];
      if (owner) return json(200, { id: m[1], type: 1, last_message_id: null, recipients: [{ id: owner, username: 'someone', discriminator: '0', avatar: null }] });
      return json(404, { message: 'Unknown Channel', code: 10003 });
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && req.method === 'POST') {
      const list = posted(m[1] as string);
      // enforce_nonce: another message of the same author with the same nonce is answered instead of a new one.
      const again = body.enforce_nonce && body.nonce !== undefined ? list.find((x) => x.nonce === body.nonce) : undefined;
      if (again) return json(200, again);
      const created = { ...message(m[1] as string, body), ...(body.nonce !== undefined ? { nonce: body.nonce } : {}) };
      list.push(created);
      return json(200, created);
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && req.method === 'PATCH') {
      const found = posted(m[1] as string).find((x) => x.id === m?.[2]);
      if (found) Object.assign(found, Object.fromEntries(Object.entries(body).filter(([k]) => ['content', 'embeds', 'components'].includes(k))), { edited_timestamp: new Date().toISOString() });
      return json(200, found ?? { ...message(m[1] as string, body), id: m[2] });
    }
    if ((m = /^\/channels\/(\d+)\/threads$/.exec(path)) && req.method === 'POST') {
      return json(201, { id: nextId(), type: 12, guild_id: GUILD_ID, parent_id: m[1], name: body.name ?? 'thread', owner_id: BOT_ID, thread_metadata: { archived: false, auto_archive_duration: 60, archive_timestamp: new Date().toISOString(), locked: false, invitable: false }, member_count: 1, message_count: 0 });
    }
    if (/^\/channels\/\d+\/thread-members\/\d+$/.test(path)) {
      res.writeHead(204);
      res.end();
      return;
    }
    if (/^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path) && req.method === 'PUT') {
      return json(200, (Array.isArray(body) ? body : (body.raw ? [] : [])).map((c: Record<string, unknown>) => ({ ...c, id: nextId(), application_id: APP_ID, version: '1' })));
    }
    return json(404, { message: 'Unknown', code: 0 });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, sock, head) => wss.handleUpgrade(req, sock, head, (ws) => onConnection(ws)));

  function onConnection(ws: WebSocket) {
    peer.connections++;
    let mine: Session | undefined;
    ws.on('close', (code) => {
      if (!mine || mine.socket !== ws) return;
      mine.socket = undefined;
      // 1000 and 1001 end the session; any other close leaves it to be resumed.
      if (code === 1000 || code === 1001) sessions.delete(mine.id);
      else mine.closedAt = Date.now();
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 30_000 } }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | null };
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11 }));
      if (msg.op === 2) {
        peer.identifies++;
        mine = { id: `session-${++sessionCount}`, seq: 0, kept: [], socket: ws };
        sessions.set(mine.id, mine);
        socket = ws;
        const ready = {
          v: 10,
          user: { id: BOT_ID, username: 'helpdesk', discriminator: '0', avatar: null, bot: true, global_name: null, flags: 0 },
          guilds: [{ id: GUILD_ID, unavailable: true }],
          session_id: mine.id,
          resume_gateway_url: wsUrl,
          application: { id: APP_ID, flags: 0 },
          shard: [0, 1],
        };
        send(mine, 'READY', ready);
        send(mine, 'GUILD_CREATE', {
          id: GUILD_ID,
          name: 'Computing centre',
          icon: null,
          owner_id: '1',
          afk_channel_id: null,
          afk_timeout: 300,
          verification_level: 0,
          default_message_notifications: 0,
          explicit_content_filter: 0,
          roles: [
            { id: GUILD_ID, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
            { id: STAFF_ROLE, name: 'Support', permissions: '0', position: 1, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
          ],
          emojis: [],
          stickers: [],
          features: [],
          mfa_level: 0,
          system_channel_id: null,
          system_channel_flags: 0,
          rules_channel_id: null,
          vanity_url_code: null,
          description: null,
          banner: null,
          premium_tier: 0,
          preferred_locale: 'en-US',
          public_updates_channel_id: null,
          nsfw_level: 0,
          premium_progress_bar_enabled: false,
          safety_alerts_channel_id: null,
          joined_at: new Date().toISOString(),
          large: false,
          unavailable: false,
          member_count: 3,
          voice_states: [],
          members: [],
          channels: [
            { id: CHANNEL_ID, type: 0, name: 'general', guild_id: GUILD_ID, position: 0, permission_overwrites: [], topic: null, nsfw: false, last_message_id: null, parent_id: null, rate_limit_per_user: 0 },
            { id: STAFF_CHANNEL_ID, type: 0, name: 'helpdesk-staff', guild_id: GUILD_ID, position: 1, permission_overwrites: [], topic: null, nsfw: false, last_message_id: null, parent_id: null, rate_limit_per_user: 0 },
          ],
          threads: [],
          presences: [],
          stage_instances: [],
          guild_scheduled_events: [],
          soundboard_sounds: [],
        });
        resolveReady();
      }
      if (msg.op === 6) {
        const found = live().find((x) => x.id === msg.d?.session_id);
        if (!found) {
          peer.invalidResumes++;
          ws.send(JSON.stringify({ op: 9, d: false }));
          return;
        }
        peer.resumes++;
        const held = found.socket;
        Object.assign(found, { socket: ws, closedAt: undefined });
        mine = found;
        socket = ws;
        if (held && held !== ws) held.close(4000, 'session resumed elsewhere');
        const from = Number(msg.d?.seq ?? 0);
        for (const e of found.kept.filter((x) => x.s > from)) ws.send(JSON.stringify({ op: 0, t: e.t, s: e.s, d: e.d }));
        ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++found.seq, d: {} }));
      }
    });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const wsUrl = `ws://127.0.0.1:${port}`;
  peer.apiUrl = `http://127.0.0.1:${port}/api`;
  return peer;
}
