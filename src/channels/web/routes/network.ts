// GET /ip: the network check for the asking computer, as plain lines for `curl`.
import type { FastifyInstance } from 'fastify';
import { langOf, sendText } from '../http.ts';
import type { WebDeps } from '../web-deps.ts';

export function networkRoute(f: FastifyInstance, d: WebDeps): void {
  f.get('/ip', async (req, reply) => {
    const ip = d.ip(req);
    const { result } = await d.app.checks.run('network', { ip, lang: langOf(req) });
    const r = result.data;
    const lines = [
      `address: ${r.ip ?? ip}`,
      `names: ${Array.isArray(r.ptr) && r.ptr.length ? r.ptr.join(', ') : '(none)'}`,
      `confirmed name: ${r.confirmedName ?? '(none)'}`,
      `two-factor required: ${r.twoFactorRequired ? 'yes' : 'no'}`,
      `why: ${String(r.reason)}`,
      `verdict: ${result.summary} [${result.code}]`,
    ];
    return sendText(reply, 200, lines.join('\n'));
  });
}
