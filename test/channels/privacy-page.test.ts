// The privacy notice (/privacy) in real Chromium at a phone viewport, in both languages: generated
// from the retention settings, nothing wider than the screen, axe-core without serious findings;
// with PRIVACY_URL set, the centre's own notice is where /privacy and the greeting lead.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { ChatClient, startWebApp, type WebApp } from '../helpers/web.ts';

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'sv-SE' };
let browser: Browser;
let w: WebApp;

beforeAll(async () => {
  w = await startWebApp({ DNS_SERVERS: '127.0.0.1:9', RETENTION_CONVERSATIONS: '14d', RETENTION_ADDRESSES: '12h', RETENTION_TICKETS: '180d', SUPPORT_EMAIL: 'help@centre.example.org' });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
});

describe('the privacy notice on a phone', () => {
  it.each([
    ['en', /14 days after your last message[\s\S]*12 hours; after that, only the network[\s\S]*180 days after it reached/, /outside the EU/],
    ['sv', /14 dagar efter ditt senaste meddelande[\s\S]*12 timmar; därefter bara nätverket[\s\S]*180 dagar efter att det kommit fram/, /utanför EU/],
  ] as const)('%s: says what is kept and for how long, fits the screen, and passes axe', async (lang, retention, transfers) => {
    const page = await (await browser.newContext(PHONE)).newPage();
    const res = await page.goto(`${w.url}/privacy?lang=${lang}`);
    expect(res?.status()).toBe(200);
    const text = await page.locator('main').innerText();
    expect(text).toMatch(retention);
    expect(text).toMatch(transfers);
    expect(text).toContain('help@centre.example.org');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
    // Nothing sideways: the table becomes one block per record on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const fontSize = await page.locator('.retention td').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(14);
    const result = await new AxeBuilder({ page }).analyze();
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(serious).toEqual([]);
    await page.context().close();
  });

  it('the first greeting links to it', async () => {
    const greeting = await new ChatClient(w.url).say({ type: 'start' });
    expect(greeting.text).toContain(`${w.app.config.PUBLIC_URL}/privacy`);
  });

  it("with PRIVACY_URL, /privacy and the greeting lead to the centre's own notice", async () => {
    const own = await startWebApp({ DNS_SERVERS: '127.0.0.1:9', PRIVACY_URL: 'https://www.centre.example.org/privacy' });
    try {
      const res = await fetch(`${own.url}/privacy`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://www.centre.example.org/privacy');
      expect((await new ChatClient(own.url).say({ type: 'start' })).text).toContain('https://www.centre.example.org/privacy');
    } finally {
      await own.close();
    }
  });
});
