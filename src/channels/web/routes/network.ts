// GET /ip: the network check for the asking computer, as plain lines for `curl`.
import { langOf, route, sendText, type Routes } from '../http.ts';
import type { WebDeps } from '../web-deps.ts';

export function networkRoute(r: Routes, d: WebDeps): void {
  route(r, 'GET', '/ip', async ({ req, res, url }) => {
    const ip = d.ip(req);
    const result = await d.ctx.checks.network(ip, langOf(url));
    const r = result.data;
    const lines = [
      `address: ${r.ip ?? ip}`,
      `names: ${Array.isArray(r.ptr) && r.ptr.length ? r.ptr.join(', ') : '(none)'}`,
      `confirmed name: ${r.confirmedName ?? '(none)'}`,
      `two-factor required: ${r.twoFactorRequired ? 'yes' : 'no'}`,
      `why: ${String(r.reason)}`,
      `verdict: ${result.summary} [${result.code}]`,
    ];
    sendText(res, 200, lines.join('\n'));
  });
}
