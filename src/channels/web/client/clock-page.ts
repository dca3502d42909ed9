// The clock page: measures this device's clock against the helpdesk's NTP-corrected time, NTP
// style (several round trips; the one with the shortest round trip wins, and its error bound is half
// that round trip), and shows the verdict.
import { clockPicture } from './clock-picture.ts';
import { isLang, LANGS, readWords, type Lang } from './words.ts';

const ROUNDS = 8;

interface Measurement {
  rtt: number;
  offset: number;
}

/** What the server says about a measurement (POST /api/clock). */
export interface ClockVerdict {
  code: string;
  summary: string;
  offsetMs: number;
  errorMs: number;
  measured: string;
  advice?: string;
  error?: string;
}

async function measure(): Promise<Measurement> {
  let best: Measurement | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    const sentWall = Date.now();
    const sent = performance.now();
    const res = await fetch(`/api/time?i=${i}`, { cache: 'no-store' });
    const received = performance.now();
    const { now } = (await res.json()) as { now: number };
    const rtt = received - sent;
    // The server read its clock somewhere in the round trip; assume the middle.
    const offset = sentWall + rtt / 2 - now;
    if (!best || rtt < best.rtt) best = { rtt, offset };
  }
  return best as Measurement;
}

async function run(): Promise<void> {
  const root = document.getElementById('clock') as HTMLElement;
  const token = root.dataset.token ?? '';
  const status = document.getElementById('status') as HTMLElement;
  const verdict = document.getElementById('verdict') as HTMLElement;
  try {
    const best = await measure();
    const res = await fetch(token ? `/api/clock/${encodeURIComponent(token)}` : '/api/clock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ offsetMs: best.offset, errorMs: best.rtt / 2, samples: ROUNDS, lang: root.dataset.lang }),
    });
    const body = (await res.json()) as ClockVerdict;
    if (!res.ok) throw new Error(body.error ?? String(res.status));
    status.textContent = body.measured;
    verdict.textContent = body.summary;
    verdict.dataset.code = body.code;
    verdict.dataset.offsetMs = String(body.offsetMs);
    const lang: Lang = isLang(root.dataset.lang) ? root.dataset.lang : LANGS[0];
    (document.getElementById('picture') as HTMLElement).replaceChildren(clockPicture(body.offsetMs / 1000, readWords(), lang, Date.now() - best.offset));
    (document.getElementById('advice') as HTMLElement).textContent = body.advice ?? '';
    (document.getElementById('back') as HTMLElement).hidden = !token;
  } catch (err) {
    status.textContent = err instanceof Error ? err.message : String(err);
    status.className = 'error';
  }
}

void run();
