// `npm run screenshots`: the pictures of the web page in docs/, taken afresh from the current page in
// headless Chromium (Debian's, through playwright-core), against a helpdesk on loopback with the demo
// back-end and a local SMTP server for the e-mail proof. Run it after changing how the page looks.
// With a directory as its argument it writes there instead (the test does, to check it still works).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { startWebApp, type WebApp } from '../helpers/web.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';

const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 1,
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
};
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'en-GB' };

/** The screenshots docs/ shows, by file name. */
export const SCREENSHOTS = ['chat-phone.png', 'chat-desktop.png', 'checklist-phone.png', 'clock-phone.png'] as const;

interface Rig {
  browser: Browser;
  smtp: SmtpPeer;
  w: WebApp;
}

async function openChat(rig: Rig, options: BrowserContextOptions): Promise<Page> {
  const page = await (await rig.browser.newContext(options)).newPage();
  await page.goto(rig.w.url);
  await page.locator('#log .choices button').first().waitFor();
  return page;
}

async function answer(page: Page, label: string): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/chat'));
  await page.locator('#log .choices button:not(:disabled)').filter({ hasText: label }).first().click();
  await answered;
}

async function type(page: Page, text: string): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/chat'));
  await page.getByLabel('Your message').fill(text);
  await page.getByLabel('Your message').press('Enter');
  await answered;
}

/** Gives a username, then the code the proof mail brought. */
async function proveAs(rig: Rig, page: Page, user: string): Promise<void> {
  await type(page, user);
  // Each screenshot proves a different person, so theirs is the one mail to them.
  const mail = await rig.smtp.waitFor((m) => JSON.stringify(m.to).includes(`${user}@example.org`));
  await type(page, /\b[A-Z]{4}-[A-Z]{4}\b/.exec(mail.text ?? '')?.[0] as string);
}

/** The page settled, the newest message scrolled into view, no caret blinking. */
async function shoot(page: Page, file: string): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    for (const img of document.images) if (!img.complete) await new Promise((r) => img.addEventListener('load', r, { once: true }));
    (document.activeElement as HTMLElement | null)?.blur();
    // The conversation at its newest message (a picture that loaded late made it taller).
    const scroller = document.getElementById('scroller');
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  });
  await page.locator('#working').waitFor({ state: 'hidden' });
  await page.screenshot({ path: file });
}

/** The first-time setup on a phone at step 5: the stepper, the QR picture, the buttons above the message bar. */
async function chatPhone(rig: Rig, file: string): Promise<void> {
  const page = await openChat(rig, PHONE);
  await answer(page, 'Setting up two-factor for the first time');
  await answer(page, 'From the beginning');
  for (let at = 1; at < 5; at++) await answer(page, 'Done, next step');
  await page.locator('#log .stepper[data-at="5"]').waitFor();
  await shoot(page, file);
  await page.context().close();
}

/** "My code is not accepted" on a desktop, after the e-mail proof: the checklist card and the question for a code. */
async function chatDesktop(rig: Rig, file: string): Promise<void> {
  const page = await openChat(rig, DESKTOP);
  await answer(page, 'My login code is not accepted');
  await proveAs(rig, page, 'alice');
  await page.locator('#log .checklist li[data-check="token"]').waitFor({ timeout: 15_000 });
  await shoot(page, file);
  await page.context().close();
}

/** A token still being activated, on a phone: the card with the account ticked and the token under an hourglass. */
async function checklistPhone(rig: Rig, file: string): Promise<void> {
  const page = await openChat(rig, PHONE);
  await answer(page, 'My new token does not work yet');
  await proveAs(rig, page, 'bob');
  await page.locator('#log .checklist li[data-mark="pending"]').waitFor({ timeout: 15_000 });
  await shoot(page, file);
  await page.context().close();
}

/** The clock page on a phone 90 s ahead, opened from the link a conversation gave. */
async function clockPhone(rig: Rig, file: string): Promise<void> {
  const desk = await openChat(rig, DESKTOP);
  await answer(desk, 'My login code is not accepted');
  await type(desk, 'skip');
  const link = (await desk.locator('a.clock-link').last().getAttribute('href')) as string;
  const phone = await rig.browser.newContext(PHONE);
  await phone.clock.install({ time: new Date(Date.now() + 90_000) });
  const p = await phone.newPage();
  await p.goto(rig.w.url + new URL(link).pathname);
  await p.locator('#verdict[data-offset-ms]').waitFor({ timeout: 15_000 });
  await p.locator('#clock .clock-picture').waitFor();
  await shoot(p, file);
  await phone.close();
  await desk.context().close();
}

const TAKE: Record<(typeof SCREENSHOTS)[number], (rig: Rig, file: string) => Promise<void>> = {
  'chat-phone.png': chatPhone,
  'chat-desktop.png': chatDesktop,
  'checklist-phone.png': checklistPhone,
  'clock-phone.png': clockPhone,
};

/** Takes every screenshot into `dir`; returns the files written. */
export async function takeScreenshots(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const smtp = await startSmtpServer();
  // A public address a phone could reach (the clock link), opened here on the local server.
  const w = await startWebApp({ SMTP_URL: smtp.url, DNS_SERVERS: '127.0.0.1:9', PUBLIC_URL: 'http://helpdesk.example.org' });
  const browser = await launchChromium();
  try {
    const written: string[] = [];
    for (const name of SCREENSHOTS) {
      const file = path.join(dir, name);
      await TAKE[name]({ browser, smtp, w }, file);
      written.push(file);
    }
    return written;
  } finally {
    await browser.close();
    await w.close();
    await smtp.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? path.join(import.meta.dirname, '../../docs');
  for (const file of await takeScreenshots(dir)) console.log(file);
}
