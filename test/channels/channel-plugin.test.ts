// A channel is one folder and one registry line: the pager channel (test/fixtures/channels/pager/,
// a folder of the tests' own) and `[...CHANNELS, pagerChannel]` here, and nothing else, make it take
// part in the configuration, the routes on the web port, a conversation, the logs, the wording
// of a proof mail, in English and Swedish, and a person's export and erasure by their pager id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logger.ts';
import { chooseChannels } from '../../src/app/channel-set.ts';
import { channelContext } from '../../src/app/channel-context.ts';
import { channelLogRules } from '../../src/app/observability.ts';
import { privacyCommand } from '../../src/app/privacy.ts';
import { CHANNELS } from '../../src/channels/registry.ts';
import type { RunningChannel } from '../../src/channels/contract.ts';
import { loadConfig, parseConfig, type Config } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk } from '../../src/main.ts';
import type { Mail, Mailer } from '../../src/ports/mailer.ts';
import type { WebServer } from '../../src/channels/web/server.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { startWebFor } from '../helpers/web.ts';
import { pagerChannel } from '../fixtures/channels/pager/index.ts';
import { LANGS } from '../../src/ports/lang.ts';

/** The registry with the pager's line. */
const channels = [...CHANNELS, pagerChannel];
const PAGER = { PAGER_TOKEN: 'pg-Zq81xSecret', PAGER_GATEWAY_URL: 'https://pager.example.org' };

describe('configuration', () => {
  it("its keys join the environment schema: a bad one stops the start with the key and the rule, never a secret's value", () => {
    const bad = parseConfig({ PAGER_TOKEN: 'Zq81xSecret', PAGER_GATEWAY_URL: 'gateway.example.org' }, channels);
    const errors = bad.ok ? [] : bad.errors;
    expect(errors).toContain('PAGER_TOKEN: expected a gateway token starting with pg-');
    expect(errors.some((e) => e.startsWith('PAGER_GATEWAY_URL: expected PAGER_GATEWAY_URL: an http(s) URL'))).toBe(true);
    expect(errors.join('\n')).not.toContain('Zq81x');
    // Its rule across keys.
    const half = parseConfig({ PAGER_TOKEN: 'pg-Zq81xSecret' }, channels);
    expect(half.ok ? [] : half.errors).toEqual(['PAGER_GATEWAY_URL: expected the gateway URL with PAGER_TOKEN']);
    // Without its registry line the keys are nobody's.
    expect(parseConfig({ PAGER_TOKEN: 'Zq81xSecret' }).ok).toBe(true);
  });

  it('a good configuration turns it on with its settings read by name', () => {
    const config = loadConfig({ PORT: '0', DATA_DIR: tempDataDir(), ...PAGER }, channels);
    const choice = chooseChannels(channels, {}, config);
    expect(choice.ok && choice.chosen.find((c) => c.plugin.name === 'pager')?.settings).toEqual({ token: 'pg-Zq81xSecret', gatewayUrl: 'https://pager.example.org' });
    const off = chooseChannels(channels, {}, loadConfig({ PORT: '0', DATA_DIR: tempDataDir() }, channels));
    expect(off.ok && off.chosen.map((c) => c.plugin.name)).not.toContain('pager');
  });
});

class RecordingMailer implements Mailer {
  readonly sent: Mail[] = [];
  async send(mail: Mail): Promise<void> {
    this.sent.push(mail);
  }
}

describe('a conversation on the pager', () => {
  const lines: string[] = [];
  const mailer = new RecordingMailer();
  let app: Helpdesk;
  let pager: RunningChannel;
  let web: WebServer;
  let config: Config;
  beforeAll(async () => {
    config = loadConfig({ PORT: '0', DATA_DIR: tempDataDir(), DNS_SERVERS: '127.0.0.1:9', TYPING_DELAY_SECONDS: '0', ...PAGER }, channels);
    const log = createLogger('info', (l) => lines.push(l), {}, { channels: channelLogRules(channels) });
    app = await createHelpdesk(config, { log, mailer, channels });
    const choice = chooseChannels(channels, {}, config);
    const chosen = choice.ok ? choice.chosen.find((c) => c.plugin.name === 'pager') : undefined;
    if (!chosen) throw new Error('the pager channel was not chosen');
    pager = await chosen.plugin.create(channelContext(app), chosen.settings);
    await pager.start();
    web = await startWebFor(app, pager.routes ?? []);
  });
  afterAll(async () => {
    await web.close();
    await pager.stop();
    await app.close();
  });

  const page = async (from: string, text: string) => {
    const res = await fetch(`${web.url}/pager/page`, { method: 'POST', body: JSON.stringify({ from, text }) });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('its route on the web port takes pages, turn after turn, in one conversation', async () => {
    const first = await page('P-KX42QA', "my code isn't accepted");
    expect(first.length).toBeGreaterThan(0);
    await page('P-KX42QA', 'menu');
    const saved = await app.store.load('pager:P-KX42QA');
    expect(saved.kind === 'found' && saved.snapshot.transcript.filter((l) => JSON.stringify(l).includes("my code isn't accepted"))).toHaveLength(1);
  });

  it('its pager ids and conversation ids are scrubbed from the logs by its own rules', () => {
    app.log.warn('the gateway resent a page from P-ZT90LM in pager:P-ZT90LM', { detail: 'P-ZT90LM paged twice' });
    const all = lines.join('\n');
    expect(all).not.toContain('P-ZT90LM');
    expect(all).toContain('[pager-id] paged twice');
    expect(all).toContain('in pager:[id]');
    // Without its registry line the logger knows nothing of pager ids.
    const bare: string[] = [];
    createLogger('info', (l) => bare.push(l), {}, { channels: channelLogRules(CHANNELS) }).warn('a page from P-ZT90LM');
    expect(bare.join('\n')).toContain('P-ZT90LM');
  });

  it('a proof mail says where the request was made in its words, in English and in Swedish', async () => {
    for (const lang of LANGS) {
      await app.identity.sendProof({ conversationId: `pager:P-MAIL0${lang === 'en' ? 'B' : 'C'}`, who: 'alice', lang, channel: 'pager', origin: 'pager:P-MAIL0A' });
    }
    for (let i = 0; i < 100 && mailer.sent.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    const texts = mailer.sent.map((m) => m.text);
    expect(texts.filter((t) => t.includes('on the pager'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('på personsökaren'))).toHaveLength(1);
    // A platform's origin is not an address: no "from address" line.
    expect(texts.join('\n')).not.toContain('P-MAIL0A');
  });
  it("a person's export and erasure find their pages by their pager id (privacy --pager), and the rule of its id", async () => {
    await page('P-ER45SE', 'hello, I am on call and lost my phone');
    await page('P-OTHER1', 'my code does not work');
    const audit = createLogger('info', () => {}, {}, { channels: channelLogRules(channels) });
    const run = async (args: string[]) => {
      const io = { out: '', err: '' };
      const status = await privacyCommand(args, { out: (s) => void (io.out += s), err: (s) => void (io.err += s) }, config, audit, channels);
      return { status, ...io };
    };
    const held = await run(['export', '--pager', 'P-ER45SE']);
    expect(held.status).toBe(0);
    const doc = JSON.parse(held.out) as { person: Record<string, string[]>; conversations: Array<{ id: string; transcript?: string[] }> };
    expect(doc.person.pager).toEqual(['P-ER45SE']);
    expect(doc.conversations.map((c) => c.id)).toEqual(['pager:P-ER45SE']);
    expect(doc.conversations[0]!.transcript!.join('\n')).toContain('lost my phone');
    const erased = await run(['forget', '--pager', 'P-ER45SE', '--yes']);
    expect(erased.status).toBe(0);
    expect((JSON.parse(erased.out) as { erased: { conversations: number } }).erased.conversations).toBe(1);
    expect((await app.store.load('pager:P-ER45SE')).kind).toBe('none');
    expect((await app.store.load('pager:P-OTHER1')).kind).toBe('found');
    expect((JSON.parse((await run(['export', '--pager', 'P-ER45SE'])).out) as { conversations: unknown[] }).conversations).toEqual([]);
    // Its id's rule, and its option only with its registry line.
    expect((await run(['export', '--pager', 'alice'])).err).toContain('--pager: expected a pager id, like P-KX42QA');
    const bare = await privacyCommand(['export', '--pager', 'P-ER45SE'], { out: () => {}, err: () => {} }, config, audit);
    expect(bare).toBe(2);
  });
});
