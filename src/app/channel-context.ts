// The context every channel gets, built from the helpdesk: its ports, and nothing of how they are
// made. The only place that knows both the channels' view and the engine's.
import type { ChannelContext, ChannelPeers } from '../channels/context.ts';
import type { Helpdesk } from '../main.ts';
import { parseIp, parseUsername } from '../engine/input.ts';
import { catalogues, render } from '../i18n/index.ts';
import { langOfLocale } from '../i18n/catalogue.ts';
import { identifyLanguage } from '../understanding/language.ts';
import type { Wording } from '../ports/catalogue.ts';
import type { Conversations } from '../ports/conversations.ts';
import { createStaffDesk } from './staff-desk.ts';

/** Peers for a channel run on its own (tests, `chat`): no other channel, no route. */
export const NO_PEERS: ChannelPeers = { routes: () => [], statuses: () => ({}) };

export function channelContext(app: Helpdesk, peers: ChannelPeers = NO_PEERS): ChannelContext {
  const words: Wording = {
    say: (lang, key, vars = {}) => render(catalogues[lang].channel[key], { ...app.words, ...vars }),
    langOfLocale,
    guessLang: (text) => identifyLanguage(text).lang,
  };
  const topics = [...app.flows.values()]
    .filter((f) => f.topic)
    .sort((a, b) => a.order - b.order)
    .map((f) => ({ id: f.id, title: f.title }));
  const conversations: Conversations = {
    async turn(id, event, options) {
      const r = await app.runner.turn(id, event, options);
      return { replies: r.replies, conversation: r.snapshot };
    },
    peek: (id) => app.runner.peek(id),
    topics: () => topics,
  };
  return {
    conversations,
    staff: createStaffDesk({ checks: app.checks, words: app.words, runner: app.runner, lookup: app.lookup, handover: app.handover, clock: app.clock, log: app.log }),
    parse: { username: parseUsername, ip: parseIp },
    delivery: app.outOfBand,
    outbox: app.outbox,
    links: app.links,
    limits: app.limits,
    seen: app.seen,
    shared: app.shared,
    clock: app.clock,
    log: app.log,
    words,
    site: { centre: app.config.CENTRE_NAME, publicUrl: app.config.PUBLIC_URL, supportUrl: app.config.SUPPORT_URL, clockLinkMinutes: app.config.CLOCK_LINK_MINUTES },
    peers,
  };
}
