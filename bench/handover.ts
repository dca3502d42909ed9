// The hand-over against Request Tracker 5 on loopback (Debian's rt-server on SQLite, as the tests run
// it): the time from the person's last message (the turn that hands over) until RT has the ticket,
// p50/p95 over 20 conversations; then RT stopped for 60 s while 20 more people hand over, one every
// 3 s, and started again: how long until every ticket is in RT, and how many are missing or doubled.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createHelpdesk } from '../src/main.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { discordStaffReplyBench, slackStaffReplyBench, staffReplyLine, type StaffReplyFigures } from './staff-reply.ts';
import { RT_PASSWORD, RT_USER, startRt, type RtPeer } from '../test/peers/request-tracker.ts';

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HandoverFigures {
  toRtP50Ms: number;
  toRtP95Ms: number;
  conversations: number;
  downSeconds: number;
  filedWhileDown: number;
  allInRtSecondsAfterBack: number;
  lost: number;
  doubled: number;
  /** A staff reply to the person's screen, from each staff channel (Slack, Discord). */
  staffReplies?: StaffReplyFigures[];
}

async function inRt(rt: RtPeer, reference: string): Promise<number> {
  const found = await rt.rest<{ count: number }>('GET', `tickets?query=${encodeURIComponent(`Subject LIKE '[${reference}]'`)}`);
  return found.count;
}

export async function handoverBench(options: { conversations?: number; downSeconds?: number } = {}): Promise<HandoverFigures> {
  const conversations = options.conversations ?? 20;
  const downSeconds = options.downSeconds ?? 60;
  const rt = await startRt();
  const app = await createHelpdesk(
    loadConfig({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), '2fa-bench-handover-')), HANDOVER_SINK: 'rt', RT_URL: rt.url, RT_USER, RT_PASSWORD }),
    { log: silentLogger, watch: false },
  );
  /** One conversation to its hand-over; resolves to the reference and the moment the last message was sent. */
  const handOver = async (id: string) => {
    await app.runner.turn(id, { type: 'topic', flow: 'human' });
    await app.runner.turn(id, { type: 'text', text: 'skip' });
    await app.runner.turn(id, { type: 'text', text: 'I cannot log in since I got a new phone' });
    // Nobody known: the answer to how support can reach them is the last message, and files the ticket.
    const sentAt = performance.now();
    const r = await app.runner.turn(id, { type: 'text', text: 'here in this chat' });
    const reply = r.replies.find((x) => x.kind === 'handover');
    if (!reply || reply.kind !== 'handover' || !reply.ticket) throw new Error(`conversation ${id} did not hand over`);
    return { reference: reply.ticket, sentAt };
  };
  try {
    const toRt: number[] = [];
    for (let i = 0; i < conversations; i++) {
      const { reference, sentAt } = await handOver(`web:bench-${i}`);
      // RT took it when the outbox wrote its delivery down (asked of the store, so polling does not load
      // RT's one-process server); RT is then asked once that it has it.
      const deadline = Date.now() + 60_000;
      while (!(await app.tickets.get(reference))?.deliveredAt) {
        if (Date.now() > deadline) throw new Error(`${reference} not delivered to RT within 60 s`);
        await sleep(5);
      }
      toRt.push(performance.now() - sentAt);
      if ((await inRt(rt, reference)) !== 1) throw new Error(`${reference} is not in RT once`);
    }
    await rt.stop();
    const waiting: string[] = [];
    const stoppedAt = performance.now();
    for (let i = 0; i < conversations; i++) {
      waiting.push((await handOver(`web:bench-down-${i}`)).reference);
      await sleep(Math.max(0, stoppedAt + ((i + 1) * downSeconds * 1000) / conversations - performance.now()));
    }
    await rt.start();
    const backAt = performance.now();
    while ((await app.tickets.pendingCount()) > 0) await sleep(200);
    const allIn = (performance.now() - backAt) / 1000;
    const counts = await Promise.all(waiting.map((ref) => inRt(rt, ref)));
    return {
      toRtP50Ms: Math.round(quantile(toRt, 0.5)),
      toRtP95Ms: Math.round(quantile(toRt, 0.95)),
      conversations,
      downSeconds,
      filedWhileDown: waiting.length,
      allInRtSecondsAfterBack: Math.round(allIn),
      lost: counts.filter((n) => n === 0).length,
      doubled: counts.filter((n) => n > 1).length,
      staffReplies: [await slackStaffReplyBench(), await discordStaffReplyBench()],
    };
  } finally {
    await app.close();
    await rt.close();
  }
}

export function handoverLines(f: HandoverFigures): string[] {
  return [
    `hand-over to Request Tracker (rt-server on SQLite, loopback): the person's last message to the ticket in RT, ${f.conversations} conversations: p50 ${f.toRtP50Ms} ms, p95 ${f.toRtP95Ms} ms`,
    `RT down for ${f.downSeconds} s while ${f.filedWhileDown} people handed over: all in RT ${f.allInRtSecondsAfterBack} s after it was back (the outbox's backoff); ${f.lost} lost, ${f.doubled} doubled`,
    ...(f.staffReplies ?? []).map(staffReplyLine),
  ];
}
