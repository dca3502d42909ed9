// A local fake of the Slack Web API that records every call, plus the response_url endpoint and a
// Socket Mode WebSocket server. The real @slack/bolt and @slack/web-api talk to it over HTTP.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

/** A message as the fake keeps it, for conversations.history and conversations.replies. */
export interface SlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: unknown;
  blocks?: unknown;
  metadata?: unknown;
  user?: string;
}

export interface SlackApiPeer {
  /** Every message the bot posted (and updated in place), by channel. */
  messages: SlackMessage[];
  url: string;
  apiUrl: string;
  calls: SlackCall[];
  responses: Array<{ path: string; body: Record<string, unknown> }>;
  /** Milliseconds each Web API call waits before answering (a slow Slack). */
  delayMs: number;
  users: Record<string, { email?: string; name: string; displayName?: string }>;
  usergroups: Record<string, string[]>;
  sockets: WebSocket[];
  socketMessages: unknown[];
  onSocket?: (ws: WebSocket) => void;
  /** Answers a call with this error instead (`{ ok: false, error }`) when it returns one: a Slack that refuses. */
  refuse?: (method: string, args: Record<string, unknown>) => string | undefined;
  callsOf(method: string): SlackCall[];
  waitFor(predicate: (c: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  waitForResponse(predicate: (r: { path: string; body: Record<string, unknown> }) => boolean, timeoutMs?: number): Promise<{ path: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const c of req) text += c;
  if ((req.headers['content-type'] ?? '').includes('json')) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    try {
      out[k] = ['blocks', 'view', 'attachments', 'metadata'].includes(k) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export async function startSlackApi(): Promise<SlackApiPeer> {
  // Message ts are seconds since 1970, as Slack's are (a search by `oldest` depends on it).
  let ts = Math.floor(Date.now() / 1000);
  const peer: SlackApiPeer = {
    url: '',
    apiUrl: '',
    messages: [],
    calls: [],
    responses: [],
    delayMs: 0,
    users: {},
    usergroups: {},
    sockets: [],
    socketMessages: [],
    callsOf: (method) => peer.calls.filter((c) => c.method === method),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = peer.calls.find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching Slack call in ${timeoutMs} ms; calls: ${peer.calls.map((c) => c.method).join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async waitForResponse(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = peer.responses.find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching response_url post in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      for (const s of peer.sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'helpdesk' };
      case 'users.info': {
        const u = peer.users[String(args.user)];
        return u ? { ok: true, user: { id: args.user, name: u.name, profile: { ...(u.email ? { email: u.email } : {}), display_name: u.displayName ?? '' } } } : { ok: false, error: 'user_not_found' };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users)}` } };
      case 'chat.postMessage': {
        const m: SlackMessage = { channel: String(args.channel), ts: `${++ts}.000100`, text: args.text, blocks: args.blocks, metadata: args.metadata, user: 'UBOT' };
        if (args.thread_ts) m.thread_ts = String(args.thread_ts);
        peer.messages.push(m);
        return { ok: true, channel: args.channel, ts: m.ts, message: { text: args.text } };
      }
      case 'chat.update': {
        const m = peer.messages.find((x) => x.channel === args.channel && x.ts === args.ts);
        if (m) Object.assign(m, { text: args.text, ...(args.blocks ? { blocks: args.blocks } : {}) });
        return { ok: true, channel: args.channel, ts: args.ts };
      }
      case 'conversations.history': {
        // Newest first, top-level messages only; `latest`/`oldest` bound the ts (inclusive when asked).
        const inclusive = args.inclusive === true || args.inclusive === 'true';
        const within = (m: SlackMessage) =>
          (args.latest === undefined || (inclusive ? Number(m.ts) <= Number(args.latest) : Number(m.ts) < Number(args.latest))) &&
          (args.oldest === undefined || (inclusive ? Number(m.ts) >= Number(args.oldest) : Number(m.ts) > Number(args.oldest)));
        const found = peer.messages.filter((m) => m.channel === args.channel && (!m.thread_ts || m.thread_ts === m.ts) && within(m)).reverse();
        return { ok: true, messages: found.slice(0, Number(args.limit ?? 100)), has_more: false };
      }
      case 'conversations.replies': {
        const parent = peer.messages.filter((m) => m.channel === args.channel && m.ts === args.ts);
        const replies = peer.messages.filter((m) => m.channel === args.channel && m.thread_ts === args.ts);
        return { ok: true, messages: [...parent, ...replies], has_more: false };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: String(++ts) };
      case 'views.publish':
        return { ok: true, view: { id: 'V1' } };
      case 'usergroups.users.list':
        return { ok: true, users: peer.usergroups[String(args.usergroup)] ?? [] };
      case 'apps.connections.open':
        return { ok: true, url: `${peer.url.replace('http', 'ws')}/socket` };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = await readBody(req);
    if (path.startsWith('/respond/')) {
      peer.responses.push({ path, body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const method = path.replace(/^\/api\//, '');
    peer.calls.push({ method, args: body, at: Date.now() });
    if (peer.delayMs) await new Promise((r) => setTimeout(r, peer.delayMs));
    res.writeHead(200, { 'content-type': 'application/json' });
    const refused = peer.refuse?.(method, body);
    res.end(JSON.stringify(refused ? { ok: false, error: refused } : answer(method, body)));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      peer.sockets.push(ws);
      ws.on('message', (data) => peer.socketMessages.push(JSON.parse(String(data))));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'test' }, connection_info: { app_id: 'A1' } }));
      peer.onSocket?.(ws);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.apiUrl = `${peer.url}/api/`;
  return peer;
}
