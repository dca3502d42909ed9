// The HTTP side of `serve`: the support page, the health endpoint, and `curl <PUBLIC_URL>/ip`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Helpdesk } from '../../main.ts';
import { parseIpAddress } from '../../checks/ip.ts';

export interface WebServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self' data:",
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? '';
}

const PAGE = (centre: string) => `<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${centre} two-factor helpdesk</title>
<h1>${centre} two-factor helpdesk</h1>
<p>The helpdesk is running. Use the terminal chat (<code>npx 2fa-helpdesk chat</code>) or
<code>curl ${'$'}{PUBLIC_URL}/ip</code> to see whether two-factor is required from your address.</p>
</html>`;

export async function startWebServer(app: Helpdesk): Promise<WebServer> {
  const started = Date.now();
  const server = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      app.log.error('web request failed', { err, path: req.url });
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    switch (url.pathname) {
      case '/':
        return send(res, 200, 'text/html; charset=utf-8', PAGE(escapeHtml(app.config.CENTRE_NAME)).replace('${PUBLIC_URL}', escapeHtml(app.config.PUBLIC_URL)));
      case '/healthz':
        return send(res, 200, 'application/json', JSON.stringify({ ok: true, uptimeSeconds: Math.round((Date.now() - started) / 1000), reference: app.reference.now().reference }));
      case '/ip': {
        const ip = parseIpAddress(clientAddress(req))?.text ?? clientAddress(req);
        const lang = url.searchParams.get('lang') === 'sv' ? 'sv' : 'en';
        const { result } = await app.checks.run('network', { ip, lang });
        const d = result.data;
        const lines = [
          `address: ${ip}`,
          `names: ${Array.isArray(d.ptr) && d.ptr.length ? d.ptr.join(', ') : '(none)'}`,
          `confirmed name: ${d.confirmedName ?? '(none)'}`,
          `two-factor required: ${d.twoFactorRequired ? 'yes' : 'no'}`,
          `why: ${String(d.reason)}`,
          `verdict: ${result.summary} [${result.code}]`,
        ];
        return send(res, 200, 'text/plain; charset=utf-8', `${lines.join('\n')}\n`);
      }
      default:
        return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(app.config.PORT, app.config.HOST, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
