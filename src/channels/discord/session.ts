// The gateway session one leader hands the next, so no DM is lost at a leader change. Discord
// keeps a session resumable after its connection drops (closed with any code but 1000 or 1001) and,
// on RESUME with the session id and the last sequence number, replays every event dispatched since
// (https://discord.com/developers/docs/events/gateway#resuming). So the leader writes its session
// (id, resume URL, and the sequence up to which every message is in the inbox) to the store; the next
// leader resumes it once before its own IDENTIFY, accepts the replayed messages into the inbox, and
// ends it once its own session is ready. discord.js shares session info only within one process, and
// @discordjs/ws identifies anew when a resume is refused, which here would open a second session:
// the drain is the four opcodes of a resume on `ws`.
import { WebSocket } from 'ws';
import type { Logger } from '../../ports/logger.ts';
import type { SharedValues } from '../../ports/store.ts';

export const SESSION_KEY = 'discord:gateway-session';
/** A message dispatched this long ago and never seen by the listener no longer holds the sequence back. */
const PENDING_LIMIT_MS = 60_000;

export interface StoredSession {
  sessionId: string;
  resumeUrl: string;
  seq: number;
}

/** A raw gateway dispatch (discord.js's `raw` event). */
export interface Dispatch {
  t?: string | null;
  s?: number | null;
  d?: unknown;
}

/** A user's message as the gateway dispatches it (the fields the inbox needs). */
export interface RawMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  content?: string;
  author?: { id: string; bot?: boolean };
}

export const isUserMessage = (p: Dispatch): p is Dispatch & { d: RawMessage } => p.t === 'MESSAGE_CREATE' && !(p.d as RawMessage | undefined)?.author?.bot;

/** Follows the leader's own session from its raw dispatches and writes it to the store. */
export class SessionKeeper {
  private session?: { sessionId: string; resumeUrl: string };
  private lastSeq = 0;
  /** Messages dispatched and not yet in the inbox: their sequence number and when they came. */
  private readonly pending = new Map<string, { seq: number; at: number }>();
  private written?: string;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly shared: SharedValues,
    private readonly log: Logger,
  ) {}

  dispatched(p: Dispatch): void {
    if (p.t === 'READY') {
      const d = p.d as { session_id: string; resume_gateway_url: string };
      this.session = { sessionId: d.session_id, resumeUrl: d.resume_gateway_url };
      this.pending.clear();
    }
    if (typeof p.s === 'number') this.lastSeq = p.s;
    if (isUserMessage(p) && typeof p.s === 'number') this.pending.set(p.d.id, { seq: p.s, at: Date.now() });
  }

  /** The message is in the inbox (or not one the bot takes): a resume need not replay it. */
  settled(messageId: string): void {
    this.pending.delete(messageId);
  }

  /** The session as a resume would take it up: before the oldest message not yet in the inbox. */
  current(now = Date.now()): StoredSession | undefined {
    if (!this.session) return undefined;
    let seq = this.lastSeq;
    for (const [id, p] of this.pending) {
      if (now - p.at > PENDING_LIMIT_MS) this.pending.delete(id);
      else seq = Math.min(seq, p.seq - 1);
    }
    return { ...this.session, seq };
  }

  /** Writes the session when it changed. */
  async write(): Promise<void> {
    const c = this.current();
    if (!c) return;
    const json = JSON.stringify(c);
    if (json === this.written) return;
    await this.shared.set(SESSION_KEY, json);
    this.written = json;
  }

  start(everyMs = 1000): void {
    this.timer ??= setInterval(() => void this.write().catch((err: unknown) => this.log.warn('discord: the gateway session could not be written', { code: 'store.unavailable', err })), everyMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The session the last leader wrote; undefined when none or when what is stored is not one (nothing to resume). */
export async function storedSession(shared: SharedValues): Promise<StoredSession | undefined> {
  const json = await shared.get(SESSION_KEY);
  if (!json) return undefined;
  try {
    const s = JSON.parse(json) as Partial<StoredSession>;
    return typeof s.sessionId === 'string' && typeof s.resumeUrl === 'string' && typeof s.seq === 'number' ? (s as StoredSession) : undefined;
  } catch {
    return undefined;
  }
}

export interface Drain {
  /** `resumed`: everything the session missed was replayed (and taken); `invalid`: Discord no longer has it. */
  outcome: 'resumed' | 'invalid' | 'failed';
  replayed: number;
  /** Takes what comes until now, then closes: 1000 (the session ends) if everything was taken, else resumably. */
  end(): Promise<boolean>;
}

/**
 * Resumes `session` and hands each user message replayed (and any dispatched after, until `end`) to
 * `take`, one after the other. Resolves once RESUMED has come and every replayed message was taken.
 */
export function drainSession(o: { session: StoredSession; token: string; take: (m: RawMessage) => Promise<void>; log: Logger; timeoutMs?: number }): Promise<Drain> {
  const ws = new WebSocket(`${o.session.resumeUrl}/?v=10&encoding=json`);
  let seq = o.session.seq;
  let replayed = 0;
  let taking = Promise.resolve();
  let failures = 0;
  let heartbeat: NodeJS.Timeout | undefined;
  const send = (op: number, d: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ op, d }));
  const end = async (): Promise<boolean> => {
    clearInterval(heartbeat);
    await taking;
    const closed = new Promise((r) => ws.once('close', r));
    if (ws.readyState === ws.OPEN) ws.close(failures ? 4000 : 1000, failures ? 'not every message taken' : 'handed over');
    else ws.terminate();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
    return failures === 0;
  };
  return new Promise<Drain>((resolve) => {
    let done = false;
    const finish = (outcome: Drain['outcome']) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ outcome: failures ? 'failed' : outcome, replayed, end });
    };
    const timer = setTimeout(() => finish('failed'), o.timeoutMs ?? 15_000);
    ws.on('message', (raw) => {
      let p: { op: number; d: unknown } & Dispatch;
      try {
        p = JSON.parse(String(raw)) as typeof p;
      } catch (err) {
        // Not a gateway frame: the resume is given up (the new session starts as it would without one).
        o.log.warn('discord: the previous session sent what is not JSON', { code: 'upstream.malformed', err });
        finish('failed');
        return;
      }
      if (p.op === 10) {
        heartbeat = setInterval(() => send(1, seq), (p.d as { heartbeat_interval: number }).heartbeat_interval).unref();
        send(6, { token: o.token, session_id: o.session.sessionId, seq: o.session.seq });
      } else if (p.op === 1) send(1, seq);
      else if (p.op === 9 || p.op === 7) finish(p.op === 9 ? 'invalid' : 'failed');
      else if (p.op === 0) {
        if (typeof p.s === 'number') seq = p.s;
        if (p.t === 'RESUMED') void taking.then(() => finish('resumed'));
        else if (isUserMessage(p)) {
          replayed++;
          const m = p.d;
          taking = taking.then(() =>
            o.take(m).catch((err: unknown) => {
              failures++;
              o.log.error('discord: a message of the resumed session could not be taken', { code: 'discord.error', err });
            }),
          );
        }
      }
    });
    ws.on('error', (err) => {
      o.log.warn('discord: the previous session could not be resumed', { err });
      finish('failed');
    });
    ws.on('close', () => finish('failed'));
  });
}
