// GET /privacy: the privacy notice. A centre with a notice of its own (PRIVACY_URL) sends people there;
// otherwise the bot's own, from the retention settings.
import type { FastifyInstance } from 'fastify';
import { langOf, sendHtml } from '../http.ts';
import { privacyPage } from '../privacy-page.ts';
import type { WebDeps } from '../web-deps.ts';

export function privacyRoute(f: FastifyInstance, d: WebDeps): void {
  const c = d.app.config;
  f.get('/privacy', async (req, reply) => {
    if (c.PRIVACY_URL) return reply.redirect(c.PRIVACY_URL, 302);
    return sendHtml(reply, 200, privacyPage(langOf(req), {
      centre: c.CENTRE_NAME,
      supportEmail: c.SUPPORT_EMAIL,
      conversations: c.RETENTION_CONVERSATIONS,
      silentConversations: c.RETENTION_SILENT_CONVERSATIONS,
      addresses: c.RETENTION_ADDRESSES,
      tickets: c.RETENTION_TICKETS,
    }));
  });
}
