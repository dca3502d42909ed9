// GET /privacy: the privacy notice. A centre with a notice of its own (PRIVACY_URL) sends people there;
// otherwise the bot's own, from the retention settings.
import { langOf, route, sendHtml, type Routes } from '../http.ts';
import { privacyPage } from '../privacy-page.ts';
import type { WebDeps } from '../web-deps.ts';

export function privacyRoute(r: Routes, d: WebDeps): void {
  const c = d.app.config;
  route(r, 'GET', '/privacy', ({ res, url }) => {
    if (c.PRIVACY_URL) return void res.writeHead(302, { location: c.PRIVACY_URL }).end();
    sendHtml(res, 200, privacyPage(langOf(url), {
      centre: c.CENTRE_NAME,
      supportEmail: c.SUPPORT_EMAIL,
      conversations: c.RETENTION_CONVERSATIONS,
      silentConversations: c.RETENTION_SILENT_CONVERSATIONS,
      addresses: c.RETENTION_ADDRESSES,
      tickets: c.RETENTION_TICKETS,
    }));
  });
}
