// Slack's turn queue stopping with a backlog: the turns it did not run stay in the store's inbox
// for another replica, and the log says how many (they used to leave no trace).
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { TurnQueue } from '../../src/channels/slack/turn-queue.ts';
import { Inbox } from '../../src/channels/shared/inbox.ts';
import { systemClock } from '../../src/ports/time.ts';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk } from '../../src/main.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { tempDataDir } from '../helpers/cli.ts';

let app: Helpdesk;
beforeAll(async () => {
  app = await createHelpdesk(loadConfig({ PORT: '0', DATA_DIR: tempDataDir() }), { log: recordingLogger() });
});
afterAll(() => app.close());

it('stopping with turns not yet begun logs one line with how many are left in the inbox', async () => {
  const log = recordingLogger();
  const queue = new TurnQueue(new Inbox(app.store, 'slack', log, systemClock), log, 50);
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const ran: string[] = [];
  // Four turns take the four slots and hold them past the stop's grace; two more wait for a slot.
  for (let i = 0; i < 6; i++) {
    const taken = { eventId: `EvQueue${i}`, payload: { conversationId: `slack:T1:D${i}:U${i}`, event: { type: 'text' as const, text: 'hello' }, to: { user: `U${i}` } } };
    expect(await queue.accept(taken)).toBe(true);
    queue.later(`U${i}`, async (saved) => {
      ran.push(taken.eventId);
      await gate;
      await saved(true);
    }, taken);
  }
  await vi.waitFor(() => expect(ran).toHaveLength(4), { timeout: 5_000 });
  await queue.stop();
  const lines = log.lines.filter((l) => l.message.startsWith('slack: stopped with turns not run'));
  expect(lines).toEqual([expect.objectContaining({ level: 'info', fields: { turns: 2, inInbox: 2 } })]);
  // The four begun finish and are done; the two others got their slots after the stop and did not run.
  release();
  const inbox = () => app.store.claim('slack:EvQueue', 0, 0, Date.now() + 60 * 60_000);
  await vi.waitFor(async () => expect((await inbox()).map((e) => e.key).sort()).toEqual(['slack:EvQueue4', 'slack:EvQueue5']), { timeout: 5_000 });
  expect(ran).toEqual(['EvQueue0', 'EvQueue1', 'EvQueue2', 'EvQueue3']);
});
