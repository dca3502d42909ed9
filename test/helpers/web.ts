// Starts the helpdesk's web server in this process on a free loopback port, with real peers.
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk, type HelpdeskOptions } from '../../src/main.ts';
import { startWebServer, type WebServer } from '../../src/channels/web/server.ts';
import { webSettings } from '../../src/channels/web/settings.ts';
import { webChannel } from '../../src/channels/web/index.ts';
import type { ChannelRoute } from '../../src/channels/context.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import { tokenActivatedRoutes } from '../../src/integrations/token-activated.ts';
import { recordingLogger, type RecordingLogger } from './fakes.ts';
import { tempDataDir } from './cli.ts';
import type { Lang } from '../../src/ports/lang.ts';

/** METRICS_TOKEN in the tests: a request bearing it gets the probes' detail on the public port. */
export const PROBE_TOKEN = 'probe-detail-token-0123456789';

/** A probe (/healthz unless told) with its detail, as an operator bearing METRICS_TOKEN sees it. */
export async function probeDetail<T = { ok: boolean; failing?: string[]; degraded?: string[]; redis?: string; channels: Record<string, { state: string }> }>(
  url: string,
  path = '/healthz',
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${PROBE_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as T };
}

export interface WebApp {
  app: Helpdesk;
  web: WebServer;
  url: string;
  log: RecordingLogger;
  close(): Promise<void>;
}

export async function startWebApp(env: Record<string, string>, options: HelpdeskOptions = {}): Promise<WebApp> {
  const log = recordingLogger();
  const config = loadConfig({ PORT: '0', DATA_DIR: tempDataDir(), TYPING_DELAY_SECONDS: '0', DNS_TIMEOUT_MS: '300', NEW_CONVERSATIONS_PER_ADDRESS: '10000', METRICS_TOKEN: PROBE_TOKEN, ...env });
  const app = await createHelpdesk(config, { log, ...options });
  // The activation hook is mounted as `serve` mounts it (only when HOOK_SECRET is set).
  const hook = tokenActivatedRoutes({ secret: config.HOOK_SECRET, clock: app.clock, seen: app.store, wake: (user) => app.watcher.wake(user), log: app.log });
  const web = await startWebFor(app, hook);
  return {
    app,
    web,
    url: web.url,
    log,
    async close() {
      await web.close();
      await app.close();
    },
  };
}

/** The web channel on the helpdesk's channel context, as `serve` runs it, with other channels' routes mounted. */
export function startWebFor(app: Helpdesk, routes: readonly ChannelRoute[] = []): Promise<WebServer> {
  return startWebServer(channelContext(app, { routes: () => [...routes], statuses: () => ({}) }, webChannel.name), webSettings.parse(app.config));
}

/** A tiny cookie-keeping client for the JSON chat API. */
export class ChatClient {
  cookie = '';
  constructor(private readonly base: string) {}

  async post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      body: JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0] ?? '';
    return res;
  }

  async say(event: unknown, lang: Lang = 'en'): Promise<{ status: number; replies: Array<Record<string, unknown>>; text: string }> {
    const res = await this.post('/api/chat', { event, lang });
    const body = (await res.json()) as { replies?: Array<Record<string, unknown>> };
    const replies = body.replies ?? [];
    return { status: res.status, replies, text: replies.map((r) => String(r.text ?? r.prompt ?? '') + (Array.isArray(r.choices) ? ` ${r.choices.map((c) => c.label).join(' | ')}` : '')).join('\n') };
  }

  async poll() {
    const res = await fetch(`${this.base}/api/chat/poll`, { headers: this.cookie ? { cookie: this.cookie } : {} });
    return ((await res.json()) as { replies: Array<Record<string, unknown>> }).replies;
  }
}
