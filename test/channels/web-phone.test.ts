// What a stressed person sees, on a phone (390×844, touch) and a desktop, in real Chromium: every
// step of a conversation with nothing the person must press or read covered, new answers brought
// into view, axe-core on every state, a keyboard-only walk, reduced motion and 200 % zoom, and the
// phone clock check offered in the way that works on the device in hand.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { startWebApp, type WebApp } from '../helpers/web.ts';

const ARTIFACTS = path.join(import.meta.dirname, '../artifacts');
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
  locale: 'en-GB',
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
};
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, locale: 'en-GB' };
let browser: Browser;
let w: WebApp;
let local: WebApp;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  w = await startWebApp({ DNS_SERVERS: '127.0.0.1:9', PUBLIC_URL: 'http://helpdesk.example.org', SUPPORT_RESPONSE_TIME: '2d' });
  local = await startWebApp({ DNS_SERVERS: '127.0.0.1:9' });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
  await local?.close();
});

async function open(options: BrowserContextOptions, app: WebApp = w): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  await page.goto(app.url);
  await page.locator('.choices button').first().waitFor();
  await settle(page);
  return page;
}

/** Waits until the chat has answered and any smooth scrolling has stopped (the same place for 0.6 s). */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __lastTop?: number; __same?: number };
    delete w.__lastTop;
    w.__same = 0;
  });
  await page.waitForFunction(() => {
    const s = document.getElementById('scroller');
    const w = window as unknown as { __lastTop?: number; __same?: number };
    if (!s) return true;
    w.__same = w.__lastTop === s.scrollTop ? (w.__same ?? 0) + 1 : 0;
    w.__lastTop = s.scrollTop;
    return w.__same >= 4;
  }, undefined, { polling: 150, timeout: 10_000 });
}

/**
 * Nothing the person must press or read is covered: the newest message and every button of the
 * current question are inside the viewport, and the element at the centre of each is that element.
 */
async function assertUncovered(page: Page, state: string, options: { scrollEach?: boolean } = {}): Promise<void> {
  const problems = await page.evaluate((scrollEach) => {
    const out: string[] = [];
    const targets: Element[] = [...document.querySelectorAll('#log .choices button:not(:disabled), #log a.btn')];
    const newest = document.getElementById('log')?.lastElementChild;
    if (newest && !scrollEach) targets.push(newest);
    for (const el of targets) {
      // At 200 % zoom a question can be taller than the screen: each button must still be reachable by scrolling.
      if (scrollEach) el.scrollIntoView({ block: 'nearest' });
      const r = el.getBoundingClientRect();
      const label = `${el.tagName.toLowerCase()} "${(el.textContent ?? '').slice(0, 40)}"`;
      if (r.top < 0 || r.bottom > window.innerHeight + 0.5 || r.left < 0 || r.right > window.innerWidth + 0.5) {
        out.push(`${label} is outside the viewport (${Math.round(r.top)}–${Math.round(r.bottom)} of ${window.innerHeight})`);
        continue;
      }
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(hit === el || el.contains(hit))) out.push(`${label} is covered by ${hit?.tagName.toLowerCase()}.${hit?.className}`);
    }
    return out;
  }, options.scrollEach ?? false);
  expect(problems, state).toEqual([]);
}

async function assertAccessible(page: Page, state: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, state).toEqual([]);
}

async function check(page: Page, name: string, state: string, options: { scrollEach?: boolean } = {}): Promise<void> {
  await settle(page);
  // The newest message's beginning is in view even when it is taller than the screen.
  const top = await page.evaluate(() => {
    const r = document.getElementById('log')?.lastElementChild?.getBoundingClientRect();
    const s = document.getElementById('scroller')?.getBoundingClientRect();
    return r && s ? r.top >= s.top - 1 && r.top < s.bottom : false;
  });
  expect(top, `${name}: ${state}: the newest message starts in view`).toBe(true);
  await assertUncovered(page, `${name}: ${state}`, options);
  await assertAccessible(page, `${name}: ${state}`);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${state}.png`) });
}

async function choose(page: Page, label: string): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/chat'));
  await page.locator('#log .choices button:not(:disabled)', { hasText: label }).first().click();
  await answered;
  await settle(page);
}

async function say(page: Page, text: string): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/chat'));
  await page.getByLabel('Your message').fill(text);
  await page.getByLabel('Your message').press('Enter');
  await answered;
  await settle(page);
}

describe.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const)('the chat on a %s', (name, options) => {
  it('walks the whole first-time setup: every step uncovered, accessible, and the newest message in view', { timeout: 120_000 }, async () => {
    const page = await open(options);
    await check(page, name, 'greeting');
    await choose(page, 'Setting up two-factor for the first time');
    await check(page, name, 'setup-where');
    await choose(page, 'From the beginning');
    await check(page, name, 'step-1');
    await choose(page, "I'm stuck here");
    await check(page, name, 'step-1-stuck');
    for (let step = 1; step <= 7; step++) {
      await choose(page, 'Done, next step');
      await check(page, name, `step-${step + 1}`);
    }
    // The topic title is a heading in the conversation, not a line the bot asks.
    expect(await page.locator('#log h2.topic').first().textContent()).toBe('Setting up two-factor for the first time');
    await page.context().close();
  });

  it('a question answered in free text, and the support form reachable and back', async () => {
    const page = await open(options);
    await say(page, 'do I need two factor from home?');
    await page.getByText('Do you want to set up two-factor now?').waitFor();
    await check(page, name, 'network');
    await page.getByRole('link', { name: 'Support form' }).click();
    await page.getByLabel('Your name').waitFor();
    await assertAccessible(page, `${name}: support form`);
    await expect(page.getByText('Support usually answers within 2 days.').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-support-form.png`), fullPage: true });
    await page.getByRole('link', { name: /Back to the chat/ }).click();
    await page.locator('#log .choices button:not(:disabled)').first().waitFor();
    await page.context().close();
  });
});

describe('on a phone, the phone clock check', () => {
  it('offers to measure this phone right here, with no QR code to scan', async () => {
    const page = await open(PHONE);
    await choose(page, 'My login code is not accepted');
    await say(page, 'skip');
    const here = page.getByRole('link', { name: "Measure this phone's clock" });
    await here.waitFor();
    expect(await page.locator('#log img.qr').count()).toBe(0);
    expect(await page.getByText('Scan this with your phone').count()).toBe(0);
    await check(page, 'phone', 'clock-offer');
    await page.context().close();
  });
});

describe('on a computer', () => {
  it('shows the QR code, and where the address is loopback, says no phone can open it instead', async () => {
    const page = await open(DESKTOP);
    await choose(page, 'My login code is not accepted');
    await say(page, 'skip');
    await page.getByText('Scan this with your phone').waitFor();
    expect(await page.locator('#log img.qr').count()).toBe(1);
    await page.context().close();

    const demo = await open(DESKTOP, local);
    await choose(demo, 'My login code is not accepted');
    await say(demo, 'skip');
    await demo.getByText('This helpdesk runs on this computer only').waitFor();
    expect(await demo.locator('#log img.qr').count()).toBe(0);
    await demo.getByRole('link', { name: 'Check this device instead' }).waitFor();
    await check(demo, 'desktop', 'clock-local');
    await demo.context().close();
  });

  it('a whole conversation by keyboard alone: every focused control is visible and uncovered', async () => {
    const page = await open(DESKTOP);
    const focusOn = async (label: RegExp) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el) return { text: '', ok: false };
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return { text: el.textContent ?? '', ok: r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight && (hit === el || el.contains(hit)) };
        });
        expect(focused.ok, `focused "${focused.text}" must be visible and uncovered`).toBe(true);
        if (label.test(focused.text)) return;
      }
      throw new Error(`could not reach ${label} with Tab`);
    };
    await focusOn(/^Do I need two-factor from where I am\?$/);
    await page.keyboard.press('Enter');
    await page.getByText('Do you want to set up two-factor now?').waitFor();
    await settle(page);
    await focusOn(/^Yes$/);
    await page.keyboard.press('Enter');
    await page.getByText('Where are you in the setup?').waitFor();
    // Shift+Tab back from the message box never lands on a hidden or disabled button.
    await page.getByLabel('Your message').focus();
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Shift+Tab');
      const ok = await page.evaluate(() => {
        const el = document.activeElement as HTMLButtonElement | null;
        if (!el || el === document.body) return true;
        const r = el.getBoundingClientRect();
        return !el.disabled && r.width > 0 && r.bottom > 0 && r.top < window.innerHeight;
      });
      expect(ok).toBe(true);
    }
    await page.context().close();
  });

  it('with reduced motion and at 200 % zoom, everything stays usable', async () => {
    // 200 % zoom of a 1280×800 window is a 640×400 CSS viewport at twice the pixels.
    const page = await open({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2, reducedMotion: 'reduce', locale: 'en-GB' });
    await check(page, 'zoom200', 'greeting', { scrollEach: true });
    await choose(page, 'I lost my phone, or got a new one');
    await check(page, 'zoom200', 'lost-device', { scrollEach: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});
