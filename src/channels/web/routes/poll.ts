// GET /api/chat/poll: a page asking for what arrived out of band (a phone's clock, a watch's notice),
// held open until something comes or a while passes. Replies wait in the store's outbox, whichever
// replica made them; a push wakes the page's poll on whichever replica holds it.
import type { ServerResponse } from 'node:http';
import { route, sendJson, type Routes } from '../http.ts';
import { conversationOf, type WebDeps } from '../web-deps.ts';

/** The longest a page's poll is held open waiting for a reply that arrives out of band. */
const POLL_WAIT_MAX_S = 25;
/** Polls held open at once by this process; beyond that they answer at once (the page asks again). */
const POLLS_HELD_MAX = 5000;
/** Polls one client address may hold open at once on this process (a campus behind one NAT has several pages). */
export const POLLS_HELD_PER_ADDRESS = 50;
/** A page's presence is written at most this often (each poll would otherwise write a row). */
const PRESENCE_EVERY_MS = 60_000;

export interface Polls {
  /** Polls held open right now on this process. */
  held(): number;
  /** Answers every held poll and stops listening for pushes. */
  close(): void;
}

export function pollRoute(r: Routes, d: WebDeps): Polls {
  const { ctx } = d;
  // When each conversation's page last polled: a page that stopped polling a while ago is closed.
  const lastTouched = new Map<string, number>();
  const seen = async (id: string) => {
    const now = ctx.clock.now();
    const last = lastTouched.get(id);
    if (last !== undefined && now - last < PRESENCE_EVERY_MS && now >= last) return;
    if (lastTouched.size >= 100_000) lastTouched.clear();
    lastTouched.set(id, now);
    await ctx.outbox.touch(id, now);
  };
  const heldByAddress = new Map<string, number>();
  ctx.delivery.register('web:', async (conversationId, replies) => ctx.outbox.push(conversationId, await d.toWeb(conversationId, replies), ctx.clock.now()), true);
  const waiters = new Map<string, Set<(superseded?: boolean) => void>>();
  const state = { held: 0, closing: false };
  const unsubscribe = ctx.outbox.onPush((conversationId) => {
    for (const wake of waiters.get(conversationId) ?? []) wake();
  });

  /** Waits for a push to this conversation, a newer poll, the page going away, or `ms`. */
  function wait(id: string, ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const set = waiters.get(id) ?? new Set();
      // One poll held per conversation: a newer one (another tab, a retry) releases the older.
      for (const older of set) older(true);
      waiters.set(id, set);
      state.held++;
      // Looked at again every few seconds too, in case a notification was missed.
      const timer = setTimeout(done, Math.min(ms, 5000));
      res.once('close', done);
      set.add(done);
      function done(replaced?: boolean) {
        if (!set.has(done)) return;
        state.held--;
        clearTimeout(timer);
        res.off('close', done);
        set.delete(done);
        if (!set.size && waiters.get(id) === set) waiters.delete(id);
        resolve(replaced === true);
      }
    });
  }

  /** What waits for this page, or, with `waitS`, what arrives within that many seconds. */
  async function collect(id: string, waitS: number, res: ServerResponse): Promise<unknown[]> {
    const deadline = Date.now() + waitS * 1000;
    let superseded = false;
    for (;;) {
      if (res.destroyed) return [];
      const items = await ctx.outbox.take(id);
      if (items.length) {
        // The page went away while they were taken: they wait for its next poll.
        if (res.destroyed) await ctx.outbox.push(id, items, ctx.clock.now());
        return items;
      }
      const left = deadline - Date.now();
      if (left <= 0 || state.closing || superseded) return [];
      superseded = await wait(id, left, res);
    }
  }

  /**
   * It never hands out a cookie. Only a page with a conversation of its session's epoch is recorded
   * as present or gets anything, or may hold a poll open, and one address only so many at once.
   */
  route(r, 'GET', '/api/chat/poll', async ({ req, res, url }) => {
    const ip = d.ip(req);
    const session = d.sessions.get(req);
    const id = conversationOf(session.id);
    const conversation = session.setCookie ? undefined : await ctx.conversations.peek(id);
    if (!conversation || conversation.epoch !== session.epoch) return sendJson(res, 200, { replies: [] });
    await seen(id);
    const mine = heldByAddress.get(ip) ?? 0;
    const asked = Math.min(POLL_WAIT_MAX_S, Math.max(0, Number(url.searchParams.get('wait')) || 0));
    const waitS = state.held >= POLLS_HELD_MAX || mine >= POLLS_HELD_PER_ADDRESS ? 0 : asked;
    heldByAddress.set(ip, mine + 1);
    let replies: unknown[];
    try {
      replies = await collect(id, waitS, res);
    } finally {
      const left = (heldByAddress.get(ip) ?? 1) - 1;
      if (left > 0) heldByAddress.set(ip, left);
      else heldByAddress.delete(ip);
    }
    if (!res.destroyed) sendJson(res, 200, { replies });
  });

  return {
    held: () => state.held,
    close() {
      state.closing = true;
      unsubscribe();
      for (const set of waiters.values()) for (const wake of set) wake();
    },
  };
}
