// Slack does not send an acked event again: an event accepted into the store's inbox by a replica
// that died before its turn (accepted, never run, the replica stopped) is answered by another
// replica, once, through the fake Slack Web API. Two replicas on the local PostgreSQL.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postEvent } from '../helpers/slack.ts';
import { startSlackHelpdesk } from '../helpers/slack-helpdesk.ts';
import { isolated } from '../helpers/shared-services.ts';
import { startSlackApi, type SlackApiPeer, type SlackCall } from '../peers/slack-api.ts';

let api: SlackApiPeer;
const iso = isolated();

/** A replica on the test's PostgreSQL schema, its Slack channel on its own web port. */
const replica = () => startSlackHelpdesk(api, iso.env);

beforeAll(async () => {
  api = await startSlackApi();
  api.users = { UALICE: { name: 'alice', email: 'alice@example.org' } };
});
afterAll(async () => {
  await api.close();
  await iso.drop();
});

const textOf = (c: SlackCall) => JSON.stringify(c.args.blocks ?? c.args.text ?? '');

it('an event accepted by a replica that died before its turn is answered once by another replica', async () => {
  const dead = await replica();
  const live = await replica();
  try {
    // The first replica acked and accepted the DM, then died with it still queued.
    const at = Date.now();
    const accepted = await dead.app.store.accept('slack:EvLost1', {
      conversationId: 'slack:T1:DUALICE:UALICE',
      event: { type: 'text', text: "my code doesn't work" },
      to: { team: 'T1', user: 'UALICE', channel: 'DUALICE' },
    }, at);
    expect(accepted).toBe(true);
    await dead.close();

    // Within the time a live replica may still be working through it, nobody takes it.
    expect(await live.slack.resume(at + 1_000)).toBe(0);
    expect(await live.slack.resume(at + 10 * 60_000)).toBe(1);
    const answer = await api.waitFor((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === 'DUALICE' && /The account alice exists/.test(textOf(c)));
    expect(answer).toBeTruthy();
    // Done: a later look, after its lease too, finds nothing; Slack's retry of the event is dropped.
    await live.slack.stop();
    expect(await live.app.store.claim('slack:', 0, 0, at + 60 * 60_000)).toEqual([]);
    expect(await live.app.store.markSeen('slack:EvLost1')).toBe(false);
    const saved = await live.app.store.load('slack:T1:DUALICE:UALICE');
    expect(saved.kind === 'found' && saved.snapshot.transcript.filter((l) => JSON.stringify(l).includes("my code doesn't work"))).toHaveLength(1);
    // One message (the progress, updated in place into the answer), and the answer given once.
    expect(api.calls.filter((c) => c.args.channel === 'DUALICE' && c.method === 'chat.postMessage')).toHaveLength(1);
    expect(api.calls.filter((c) => c.args.channel === 'DUALICE' && /The account alice exists/.test(textOf(c)))).toHaveLength(1);
  } finally {
    await live.close();
  }
});

it('an event is in the inbox before Slack has its ack: a replica killed right after the ack loses nothing', async () => {
  const helpdesk = await replica();
  const { app, web } = helpdesk;
  try {
    // Another request still arriving (its body half sent), as in a burst: turns wait for the acks in
    // flight, which kept an acked event out of the inbox for up to half a second.
    const slow = request(`${web.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
    slow.on('error', () => undefined);
    slow.write('{"type":');
    await new Promise((r) => setTimeout(r, 100));
    const before = api.calls.length;
    const event = { type: 'message', channel_type: 'im', channel: 'DACKED', user: 'UALICE', text: 'note acked-1', ts: `${Date.now() / 1000}` };
    const res = await postEvent(web.url, event, { eventId: 'EvAcked1' });
    expect(res.status).toBe(200);
    // Read the moment the ack arrived: the row is there (accepting it again is refused), whether or
    // not its turn has run yet; before, it was written up to half a second after the ack.
    expect(await app.store.accept('slack:EvAcked1', { event: { type: 'text', text: 'x' }, to: {} })).toBe(false);
    slow.destroy();
    // And the turn still runs, once.
    await api.waitFor((c) => api.calls.indexOf(c) >= before && c.args.channel === 'DACKED' && c.method === 'chat.postMessage', 15_000);
    const stored = async () => {
      const saved = await app.store.load('slack:T1:DACKED:UALICE');
      return saved.kind === 'found' ? saved.snapshot.transcript.filter((l) => JSON.stringify(l).includes('note acked-1')).length : 0;
    };
    for (let i = 0; i < 150 && (await stored()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await stored()).toBe(1);
  } finally {
    await helpdesk.close();
  }
});
