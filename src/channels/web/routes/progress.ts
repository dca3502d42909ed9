// GET /api/chat/progress: what the turn under way is doing ("Checking your network…"), for the page's
// typing indicator. The engine says so before each check (onProgress); the page asks while it waits
// for the turn's answer, and the request is held until something new is said, the turn ends or a
// few seconds pass. Kept in this process only: behind several replicas a page whose progress
// request reaches another replica shows the indicator without the words.
import { route, sendJson, type Routes } from '../http.ts';
import { conversationOf, type WebDeps } from '../web-deps.ts';

/** The longest a progress request is held. */
const PROGRESS_WAIT_MAX_S = 10;
/** Progress requests held at once by this process; beyond that they answer at once. */
const PROGRESS_HELD_MAX = 2000;

interface Said {
  seq: number;
  text: string;
  wake: Set<() => void>;
}

export interface TurnProgress {
  /** The turn of this conversation is doing `text` now. */
  say(conversationId: string, text: string): void;
  /** The turn has ended: whoever waits is answered. */
  end(conversationId: string): void;
}

export function progressRoute(r: Routes, d: WebDeps): TurnProgress {
  const turns = new Map<string, Said>();
  let held = 0;
  const wakeAll = (s: Said | undefined) => {
    for (const wake of [...(s?.wake ?? [])]) wake();
  };

  function waitFor(id: string, seen: number, ms: number, gone: Promise<void>): Promise<void> {
    return new Promise<void>((resolve) => {
      const current = turns.get(id);
      if ((current && current.seq > seen) || held >= PROGRESS_HELD_MAX) return resolve();
      held++;
      const timer = setTimeout(done, ms);
      const watch = current ?? { seq: 0, text: '', wake: new Set() };
      if (!current) turns.set(id, watch);
      watch.wake.add(done);
      void gone.then(done);
      function done() {
        if (!watch.wake.delete(done)) return;
        held--;
        clearTimeout(timer);
        if (!watch.wake.size && !watch.seq && turns.get(id) === watch) turns.delete(id);
        resolve();
      }
    });
  }

  route(r, 'GET', '/api/chat/progress', async ({ req, res, url }) => {
    const session = d.sessions.get(req);
    if (session.setCookie) return sendJson(res, 200, { seq: 0 });
    const id = conversationOf(session.id);
    const seen = Math.max(0, Number(url.searchParams.get('seen')) || 0);
    const waitS = Math.min(PROGRESS_WAIT_MAX_S, Math.max(0, Number(url.searchParams.get('wait')) || 0));
    await waitFor(id, seen, waitS * 1000, new Promise((resolve) => res.once('close', () => resolve())));
    const now = turns.get(id);
    if (!res.destroyed) sendJson(res, 200, now && now.seq > seen ? { seq: now.seq, text: now.text } : { seq: seen });
  });

  return {
    say(id, text) {
      const s = turns.get(id) ?? { seq: 0, text: '', wake: new Set<() => void>() };
      s.seq++;
      s.text = text;
      turns.set(id, s);
      wakeAll(s);
    },
    end(id) {
      const s = turns.get(id);
      turns.delete(id);
      wakeAll(s);
    },
  };
}
