// GET /privacy: the privacy notice. A centre with a notice of its own (PRIVACY_URL) sends people there;
// otherwise the bot's own, from the retention settings.
import { langOf, route, sendHtml, type Routes } from '../http.ts';
import { privacyPage } from '../privacy-page.ts';
import type { WebDeps } from '../web-deps.ts';

export function privacyRoute(r: Routes, d: WebDeps): void {
  const s = d.settings;
  route(r, 'GET', '/privacy', ({ res, url }) => {
    if (s.privacyUrl) return void res.writeHead(302, { location: s.privacyUrl }).end();
    const retention = { conversations: s.retainConversations, silentConversations: s.retainSilentConversations, addresses: s.retainAddresses, tickets: s.retainTickets };
    sendHtml(res, 200, privacyPage(d.ctx.words, langOf(url), { centre: d.ctx.site.centre, supportEmail: s.supportEmail, ...retention }));
  });
}
