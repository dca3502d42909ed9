// Latency and outcome of every upstream request, per upstream, in helpdesk_upstream_request_duration_seconds:
// a helpdesk wired to a real slapd (accounts), the privacyIDEA contract server (tokens) and a real SMTP
// server, each answering and then down; and the ticket queue's sinks, one taking a ticket and one refusing it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk } from '../../src/main.ts';
import { PrometheusMetrics } from '../../src/adapters/metrics.ts';
import { SqliteDb } from '../../src/adapters/sql/db.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { TicketQueue } from '../../src/adapters/ticket-queue.ts';
import { UPSTREAM_METRIC } from '../../src/adapters/upstream-timing.ts';
import type { Ticket } from '../../src/ports/tickets.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { ADMIN, startPrivacyIdea, type PrivacyIdeaPeer } from '../peers/privacyidea.ts';
import { BASE_DN, BOT_DN, BOT_PASSWORD, startSlapd, type SlapdPeer } from '../peers/slapd.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';

/** The number of observations with these labels, from a scrape. */
function observed(scrape: string, labels: Record<string, string>): number {
  const lines = scrape.split('\n').filter((l) => l.startsWith(`${UPSTREAM_METRIC}_count{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('per-upstream request metrics of a running helpdesk', () => {
  let slapd: SlapdPeer;
  let pi: PrivacyIdeaPeer;
  let smtp: SmtpPeer;
  let app: Helpdesk;

  beforeAll(async () => {
    [slapd, pi, smtp] = await Promise.all([startSlapd(), startPrivacyIdea(), startSmtpServer()]);
    pi.users.add('alice');
    app = await createHelpdesk(
      loadConfig({
        PORT: '0',
        DATA_DIR: tempDataDir(),
        DNS_SERVERS: '127.0.0.1:9',
        NTP_SERVERS: '',
        ACCOUNTS_BACKEND: 'ldap',
        LDAP_URL: slapd.url,
        LDAP_BIND_DN: BOT_DN,
        LDAP_BIND_PASSWORD: BOT_PASSWORD,
        LDAP_BASE_DN: BASE_DN,
        TOKENS_BACKEND: 'privacyidea',
        PRIVACYIDEA_URL: pi.url,
        PRIVACYIDEA_REALM: 'people',
        PRIVACYIDEA_USER: ADMIN.username,
        PRIVACYIDEA_PASSWORD: ADMIN.password,
        SMTP_URL: `${smtp.url}?tls=off`,
        ENROLLMENT_CACHE_SECONDS: '0',
      }),
      { log: recordingLogger(), watch: false },
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([slapd?.close(), pi?.close(), smtp?.stop()]);
  });

  it('LDAP searches, privacyIDEA requests and SMTP sends are timed by route, and their failures counted as errors', async () => {
    await app.diagnose({ user: 'alice' });
    await app.mailer.send({ to: 'alice@example.org', subject: 'test', text: 'one' });
    let scrape = await app.metrics.render();
    expect(observed(scrape, { upstream: 'ldap', route: 'search', outcome: 'answered' })).toBeGreaterThan(0);
    expect(observed(scrape, { upstream: 'privacyidea', route: 'POST /auth', outcome: 'answered' })).toBe(1);
    expect(observed(scrape, { upstream: 'privacyidea', route: 'GET /token/', outcome: 'answered' })).toBeGreaterThan(0);
    expect(observed(scrape, { upstream: 'smtp', route: 'send', outcome: 'answered' })).toBe(1);
    expect(scrape).not.toMatch(/alice/);
    expect(observed(scrape, { outcome: 'error' })).toBe(0);

    await Promise.all([slapd.stop(), smtp.stop()]);
    await app.diagnose({ user: 'alice' });
    await expect(app.mailer.send({ to: 'alice@example.org', subject: 'test', text: 'two' })).rejects.toThrow();
    scrape = await app.metrics.render();
    expect(observed(scrape, { upstream: 'ldap', route: 'search', outcome: 'error' })).toBeGreaterThan(0);
    expect(observed(scrape, { upstream: 'smtp', route: 'send', outcome: 'error' })).toBe(1);
  }, 60_000);
});

describe('per-sink request metrics of the ticket queue', () => {
  it('a sink that takes the ticket is answered, one that refuses it an error, each under ticket-<sink>', async () => {
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    const metrics = new PrometheusMetrics().histogram(UPSTREAM_METRIC, 'test', ['upstream', 'route', 'outcome']);
    const ticket: Ticket = { conversationId: 'web:t', lang: 'en', subject: {}, transcript: ['u: help'], findings: [], urgent: false, createdAt: new Date(0).toISOString() };
    const sinks = [
      { name: 'rt', deliver: async () => ({ externalId: '7' }) },
      {
        name: 'zammad',
        deliver: async () => {
          throw new Error('503 from Zammad');
        },
      },
    ];
    const queue = new TicketQueue(store.db, sinks, { now: () => Date.now() }, recordingLogger(), undefined, metrics);
    try {
      await queue.open(ticket);
      await queue.drain();
      const scrape = await metrics.render();
      expect(observed(scrape, { upstream: 'ticket-rt', route: 'deliver', outcome: 'answered' })).toBe(1);
      expect(observed(scrape, { upstream: 'ticket-zammad', route: 'deliver', outcome: 'error' })).toBe(1);
    } finally {
      await queue.stop();
      await store.close();
    }
  });
});
