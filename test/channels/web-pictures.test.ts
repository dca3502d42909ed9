// The page shows rather than tells, in real headless Chromium: the helpdesk at work while a slow
// check runs (and only then), the clock drawn from the measurement, the setup as a stepper, and the
// findings as a checklist card; axe-clean and uncovered on a phone.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { startWebApp, type WebApp } from '../helpers/web.ts';
import { startDnsServer, type DnsPeer } from '../peers/dns-server.ts';

const ARTIFACTS = path.join(import.meta.dirname, '../artifacts');
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
};
// The browser's requests arrive from a public address (a trusted proxy says so), whose reverse DNS
// never answers: the network check waits for the DNS timeout.
const FROM = '192.0.2.20';
let browser: Browser;
let dns: DnsPeer;
let w: WebApp;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dns = await startDnsServer({ ptr: { '20.2.0.192.in-addr.arpa': 'drop' } });
  w = await startWebApp({ DNS_SERVERS: dns.spec, DNS_TIMEOUT_MS: '4000', CHECK_TIMEOUT_MS: '8000', TRUSTED_PROXIES: '127.0.0.1', PUBLIC_URL: 'http://helpdesk.example.org' });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
  await dns?.close();
});

async function open(options: BrowserContextOptions = PHONE, from = FROM): Promise<Page> {
  const context = await browser.newContext({ ...options, extraHTTPHeaders: { 'x-forwarded-for': from } });
  const page = await context.newPage();
  await page.goto(w.url);
  await page.locator('#log .choices button').first().waitFor();
  return page;
}

async function assertAccessible(page: Page, state: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, state).toEqual([]);
}

/** The indicator is away, the log not busy and Send enabled. */
async function assertIdle(page: Page): Promise<void> {
  await expect(page.locator('#working').isHidden()).resolves.toBe(true);
  expect(await page.locator('#log').getAttribute('aria-busy')).toBe('false');
  expect(await page.locator('#say button[type="submit"]').isDisabled()).toBe(false);
}

describe('while the helpdesk works on a turn', () => {
  it('shows a typing indicator saying what a slow check is doing, marks the log busy and holds Send; all gone with the answer', async () => {
    const page = await open();
    await assertIdle(page);
    await page.getByRole('button', { name: 'Do I need two-factor from where I am?' }).click();
    const working = page.locator('#working');
    await working.filter({ hasText: 'Checking network…' }).waitFor();
    expect(await page.locator('#log').getAttribute('aria-busy')).toBe('true');
    expect(await page.locator('#say button[type="submit"]').isDisabled()).toBe(true);
    // A screen reader hears the answer, not the indicator: it is outside the live log and hidden from it.
    expect(await working.getAttribute('aria-hidden')).toBe('true');
    expect(await page.locator('#log #working').count()).toBe(0);
    // Typed while it works: the message waits in the box until the answer has come.
    await page.getByLabel('Your message').fill('hello?');
    await page.getByLabel('Your message').press('Enter');
    expect(await page.getByLabel('Your message').inputValue()).toBe('hello?');
    await assertAccessible(page, 'working');
    await page.screenshot({ path: path.join(ARTIFACTS, 'working-phone.png') });

    await page.locator('#log .finding[data-code^="network."]').waitFor({ timeout: 15_000 });
    await assertIdle(page);
    expect(await page.locator('#log .msg.me', { hasText: 'hello?' }).count()).toBe(0);
    expect(await page.getByLabel('Your message').inputValue()).toBe('hello?');
    await page.context().close();
  });

  it('a quick turn leaves nothing behind', async () => {
    const page = await open();
    await page.getByLabel('Your message').fill('menu');
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/chat'));
    await page.getByLabel('Your message').press('Enter');
    await answered;
    await page.locator('#log .choices button:not(:disabled)').first().waitFor();
    await assertIdle(page);
    await page.context().close();
  });
});

/** The picture's two times, its offset and its digits as a person reads them. */
async function pictureOf(page: Page, scope: string) {
  const figure = page.locator(`${scope} .clock-picture`).last();
  await figure.waitFor({ timeout: 15_000 });
  return {
    offset: Number(await figure.getAttribute('data-offset-seconds')),
    drawnApart: (Number(await figure.getAttribute('data-phone-time')) - Number(await figure.getAttribute('data-true-time'))) / 1000,
    labels: await figure.locator('.face-label').allTextContents(),
    digits: await figure.locator('.face-time').allTextContents(),
    diff: await figure.locator('.clock-diff').textContent(),
  };
}

const secondsOf = (hms: string) => hms.split(':').reduce((t, part) => t * 60 + Number(part), 0);

describe('the clock, drawn', () => {
  it.each([90, -40])('a phone %i s off: the clock page and the chat draw the phone beside the true time, that far apart', { timeout: 60_000 }, async (skew) => {
    const desk = await open({ viewport: { width: 1280, height: 860 }, locale: 'en-GB' }, '192.0.2.30');
    await desk.getByRole('button', { name: 'My login code is not accepted' }).click();
    await desk.getByLabel('Your message').fill('skip');
    await desk.getByLabel('Your message').press('Enter');
    const link = (await desk.locator('a.clock-link').last().getAttribute('href')) as string;

    const phone = await browser.newContext({ ...PHONE });
    await phone.clock.install({ time: new Date(Date.now() + skew * 1000) });
    const p = await phone.newPage();
    await p.goto(w.url + new URL(link).pathname);
    const measured = Number(await p.locator('#verdict[data-offset-ms]').getAttribute('data-offset-ms', { timeout: 15_000 }));
    const onPage = await pictureOf(p, '#clock');
    expect(onPage.offset).toBe(Math.round(measured / 1000));
    expect(Math.abs(onPage.offset - skew)).toBeLessThanOrEqual(1);
    expect(onPage.drawnApart).toBe(onPage.offset);
    expect(onPage.labels).toEqual(['Your phone', 'The right time']);
    expect(((secondsOf(onPage.digits[0] as string) - secondsOf(onPage.digits[1] as string)) + 86400 * 1.5) % 86400 - 43200).toBe(onPage.offset);
    expect(onPage.diff).toBe(skew > 0 ? `${onPage.offset} s ahead` : `${-onPage.offset} s behind`);
    await assertAccessible(p, 'clock page');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await p.screenshot({ path: path.join(ARTIFACTS, `clock-picture-phone-${skew > 0 ? 'ahead' : 'behind'}.png`) });
    await phone.close();

    // The conversation on the computer draws the same measurement.
    const inChat = await pictureOf(desk, '#log .checklist .finding[data-check="clock"]');
    expect(inChat.offset).toBe(onPage.offset);
    expect(inChat.drawnApart).toBe(onPage.offset);
    await assertAccessible(desk, 'clock in the chat');
    await desk.context().close();
  });
});

/** Answers the current question with its button labelled so, and waits for the answer. */
/** Presses a choice and waits until the page has drawn the answer (the response alone comes before it is drawn). */
async function answer(page: Page, label: string): Promise<void> {
  const before = await page.locator('#log .msg').count();
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/chat'));
  await page.locator('#log .choices button:not(:disabled)').filter({ hasText: label }).first().click();
  await answered;
  await page.waitForFunction((n) => document.querySelectorAll('#log .msg').length > n && document.getElementById('log')?.getAttribute('aria-busy') !== 'true', before);
}

/** The picture scrolled into view: loaded, inside the window and the bubble, and on top at its centre and corners. */
async function assertPictureShown(page: Page, img: ReturnType<Page['locator']>, state: string): Promise<void> {
  await img.scrollIntoViewIfNeeded();
  const seen = await img.evaluate((el: HTMLImageElement) => {
    const box = el.getBoundingClientRect();
    const bubble = el.closest('.msg')!.getBoundingClientRect();
    const points = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]].map(([x, y]) => document.elementFromPoint(box.left + box.width * x!, box.top + box.height * y!));
    return {
      loaded: el.complete && el.naturalWidth > 0,
      inWindow: box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth,
      inBubble: box.left >= bubble.left && box.right <= bubble.right,
      onTop: points.every((p) => p === el),
      width: box.width,
    };
  });
  expect(seen, state).toMatchObject({ loaded: true, inWindow: true, inBubble: true, onTop: true });
  expect(seen.width, state).toBeGreaterThan(100);
}

describe('the setup, as a stepper', () => {
  it('marks the current step of nine, moves on with each step done, and leaves only the current step live', { timeout: 60_000 }, async () => {
    const page = await open(PHONE, '192.0.2.40');
    const next = (label: string) => answer(page, label);
    await next('Setting up two-factor for the first time');
    await next('From the beginning');
    for (let at = 1; at <= 4; at++) {
      const current = page.locator('#log .stepper').last();
      expect(await current.locator('.stepper-label').textContent()).toBe(`Step ${at} of 9`);
      expect(await current.locator('.stepper-dots li').count()).toBe(9);
      expect(await current.locator('.stepper-dots li[aria-current="step"]').evaluate((li) => [...(li.parentElement?.children ?? [])].indexOf(li) + 1)).toBe(at);
      expect(await current.locator('.stepper-dots li.done').count()).toBe(at - 1);
      // Said once: by the stepper, not again by the question under it, on screen and to a screen reader.
      const question = page.locator('#log .msg').filter({ has: page.locator('.stepper') }).last();
      expect((await question.innerText()).match(/Step \d of 9/g)).toEqual([`Step ${at} of 9`]);
      expect((await question.ariaSnapshot()).match(/Step \d of 9/g)).toEqual([`Step ${at} of 9`]);
      // Only the current step's buttons answer; every earlier step's are disabled.
      expect(await page.locator('#log .msg').filter({ has: page.locator('.choices button:not(:disabled)') }).count()).toBe(1);
      if (at === 4) {
        await assertAccessible(page, 'stepper');
        await page.screenshot({ path: path.join(ARTIFACTS, 'stepper-phone.png') });
        break;
      }
      await next('Done, next step');
    }
    await page.context().close();
  });

  it.each([
    ['phone', PHONE],
    ['desktop', { viewport: { width: 1280, height: 800 }, locale: 'en-GB' }],
  ] as const)('draws the QR step and the code step with their pictures and text alternatives, uncovered, on a %s', { timeout: 90_000 }, async (name, options) => {
    const page = await open(options, name === 'phone' ? '192.0.2.41' : '192.0.2.42');
    await answer(page, 'Setting up two-factor for the first time');
    await answer(page, 'From the beginning');
    for (let at = 1; at < 5; at++) {
      // The steps without a picture show none.
      expect(await page.locator('#log .msg').last().locator('img').count()).toBe(0);
      await answer(page, 'Done, next step');
    }
    const pictures = [
      { at: 5, picture: 'scan_qr', alt: 'A phone with its camera on a QR code shown on a computer screen' },
      { at: 6, picture: 'code_entry', alt: 'A field for the code with six digits typed in, and a button to confirm' },
    ];
    for (const { at, picture, alt } of pictures) {
      const current = page.locator('#log .msg').filter({ has: page.locator(`.stepper[data-at="${at}"]`) }).last();
      const img = current.locator('img.step-picture');
      expect(await img.getAttribute('data-picture')).toBe(picture);
      expect(await img.getAttribute('alt')).toBe(alt);
      // In the current step, between where it is and what it asks.
      expect(await current.evaluate((m) => [...m.children].map((c) => c.className))).toEqual(['stepper', 'step-picture', '', 'choices']);
      await assertPictureShown(page, img, `step ${at} on a ${name}`);
      expect(await page.getByRole('img', { name: alt }).count()).toBe(1);
      await assertAccessible(page, `step ${at} on a ${name}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(ARTIFACTS, `step-${at}-picture-${name}.png`) });
      if (at === 5) await answer(page, 'Done, next step');
    }
    await page.context().close();
  });
});
