// The context every channel gets, built from the helpdesk: its ports, and nothing of how they are
// made. The only place that knows both the channels' view and the engine's.
import { createHmac } from 'node:crypto';
import type { ChannelContext, ChannelPeers } from '../channels/context.ts';
import type { Helpdesk } from './helpdesk.ts';
import { parseIp, parseUsername, redactCodes, stripControl } from '../understanding/input.ts';
import { oneLine } from './support-form.ts';
import { sessionEpoch } from '../engine/session-epoch.ts';
import type { Snapshot } from '../engine/snapshot.ts';
import { catalogues, render } from '../i18n/index.ts';
import { formatMinutes, langOfLocale } from '../i18n/catalogue.ts';
import { responseTime } from '../i18n/response-time.ts';
import { identifyLanguage } from '../understanding/language.ts';
import type { Wording } from '../ports/catalogue.ts';
import type { CheckCode } from '../ports/checks.ts';
import type { ConversationView, Conversations } from '../ports/conversations.ts';
import type { StoreHealth } from '../ports/store.ts';
import { createStaffDesk } from './staff-desk.ts';
import { createSupportForms } from './support-form.ts';
import { quietWhileOwned, staffChannelPorts, type StaffChannelDeps } from './staff-channel.ts';
import type { StaffChannelPorts } from '../channels/context.ts';

/** Peers for a channel run on its own (tests, `chat`): no other channel, no route. */
export const NO_PEERS: ChannelPeers = { routes: () => [], statuses: () => ({}) };

/** Every text rendered with the centre's words (`centre`, `support_url`, …) under the values given. */
function wording(app: Pick<Helpdesk, 'words'>): Wording {
  const fill = (template: string, vars: Record<string, unknown> = {}) => render(template, { ...app.words, ...vars });
  return {
    say: (lang, key, vars) => fill(catalogues[lang].channel[key], vars),
    langOfLocale,
    guessLang: (text) => identifyLanguage(text).lang,
    web: (lang, key, vars) => fill(catalogues[lang].web[key], vars),
    privacy: (lang, key, vars) => fill(catalogues[lang].privacy[key], vars),
    advice(lang, code) {
      const text = catalogues[lang].advice[code as CheckCode];
      return text === undefined ? undefined : fill(text);
    },
    pageWords: (lang) => catalogues[lang].page,
    duration: formatMinutes,
    responseTime,
  };
}

/** What a channel may know of a stored conversation (not the snapshot itself). */
const view = (s: Snapshot): ConversationView => ({ id: s.id, lang: s.lang, status: s.status, transcript: s.transcript, epoch: sessionEpoch(s) });

function conversationsOf(app: Pick<Helpdesk, 'flows' | 'runner'>, staff?: { deps: StaffChannelDeps; ports: StaffChannelPorts }): Conversations {
  const topics = [...app.flows.values()]
    .filter((f) => f.topic)
    .sort((a, b) => a.order - b.order)
    .map((f) => ({ id: f.id, title: f.title }));
  const peek = async (id: string) => {
    const s = await app.runner.peek(id);
    return s && view(s);
  };
  const turn: Conversations['turn'] = async (id, event, options) => {
    const r = await app.runner.turn(id, event, options);
    return { replies: r.replies, conversation: view(r.snapshot), saved: r.saved };
  };
  return { turn: staff ? quietWhileOwned(staff.deps, staff.ports, turn, peek) : turn, peek, topics: () => topics };
}

/** Whether this replica can hold conversations, for the probes (the web port's and the metrics listener's). */
export function storeHealth(app: Pick<Helpdesk, 'ticketsWaiting' | 'storeWritable' | 'redis'>): StoreHealth {
  return { ticketsWaiting: () => app.ticketsWaiting(), writable: () => app.storeWritable(), redis: () => app.redis?.state() ?? 'off' };
}

/** A channel's own signing key: what it signs cannot pass for a link, nor for another channel's. */
const channelKey = (secret: string, channel: string) => createHmac('sha256', secret).update(`channel:${channel}`).digest('base64url');

/** `signer`: the name of a channel that signs (its plugin says `signs`), which gets a key of its own. */
export function channelContext(app: Helpdesk, peers: ChannelPeers = NO_PEERS, signer?: string): ChannelContext {
  const staffDeps: StaffChannelDeps = { threads: app.staffThreads, tickets: app.tickets, handover: app.handover, runner: app.runner, words: app.words, clock: app.clock, log: app.log };
  const staffChannel = staffChannelPorts(staffDeps);
  return {
    conversations: conversationsOf(app, { deps: staffDeps, ports: staffChannel }),
    staffChannel,
    staff: createStaffDesk({ checks: app.checks, words: app.words, runner: app.runner, lookup: app.store, handover: app.handover, clock: app.clock, log: app.log }),
    parse: { username: parseUsername, ip: parseIp, plainText: stripControl, oneLine, redactCodes },
    delivery: app.outOfBand,
    outbox: app.store,
    links: app.links,
    limits: app.limits,
    seen: app.store,
    shared: app.shared,
    clock: app.clock,
    reference: app.reference,
    checks: {
      network: async (ip, lang) => (await app.checks.run('network', { ip, lang })).result,
      clock: async (deviceMeasured, lang) => (await app.checks.run('clock', { lang, deviceMeasured })).result,
    },
    support: createSupportForms({ runner: app.runner, handover: app.handover, clock: app.clock }),
    health: storeHealth(app),
    ...(signer ? { signingKey: channelKey(app.secret, signer) } : {}),
    log: app.log,
    words: wording(app),
    site: { centre: app.config.CENTRE_NAME, publicUrl: app.config.PUBLIC_URL, supportUrl: app.config.SUPPORT_URL, clockLinkMinutes: app.config.CLOCK_LINK_MINUTES },
    peers,
  };
}
