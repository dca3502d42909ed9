// The support page in real headless Chromium: a whole conversation with the identity proof through
// a real SMTP server, the phone clock check with the page's clock shifted, the support form, and
// screenshots on a phone-sized and a desktop viewport (test/artifacts/).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { startWebApp, type WebApp } from '../helpers/web.ts';
import { SECRETS } from '../helpers/fakes.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';

const ARTIFACTS = path.join(import.meta.dirname, '../artifacts');
let browser: Browser;
let smtp: SmtpPeer;
let w: WebApp;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  smtp = await startSmtpServer();
  // A public address a phone could reach (the tests open its paths on the local server).
  w = await startWebApp({ SMTP_URL: smtp.url, DNS_SERVERS: '127.0.0.1:9', PUBLIC_URL: 'http://helpdesk.example.org' });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
  await smtp?.stop();
});

async function openChat(viewport = { width: 1280, height: 860 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(w.url);
  await page.getByRole('button', { name: 'My login code is not accepted' }).waitFor();
  return page;
}

async function type(page: Page, text: string) {
  await page.getByLabel('Your message').fill(text);
  await page.getByLabel('Your message').press('Enter');
}

describe('the support page in Chromium', () => {
  it('a whole "code not accepted" conversation, with the identity proof by e-mail', async () => {
    const page = await openChat();
    await page.getByRole('button', { name: 'My login code is not accepted' }).click();
    await page.getByText('What is your UPPMAX username').waitFor();
    await type(page, 'alice');
    await page.getByText('a mail with a confirmation code').waitFor();

    const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('alice@example.org'));
    expect(mail.text).toMatch(/on the web support page/);
    const code = /\b[A-Z]{4}-[A-Z]{4}\b/.exec(mail.text ?? '')?.[0] as string;
    await type(page, code);
    await page.getByText('You are verified as alice').waitFor();
    await page.getByText('The account alice exists and is active.').waitFor({ timeout: 10_000 });
    await page.getByText('Your two-factor token is active.').waitFor();
    if ((Date.now() / 1000) % 30 > 25) await page.waitForTimeout(5500);
    // Typed the way a code is read out (an en dash between the halves): the server reads it, the
    // screen never shows it.
    const totp = oathtoolCode(SECRETS.alice as string, Date.now());
    await type(page, `${totp.slice(0, 3)} – ${totp.slice(3)}`);
    expect(await page.locator('.msg.me').last().textContent()).toBe('••••••');
    await page.getByText('That code is correct for right now.').waitFor();
    expect(await page.locator('.finding[data-code="code.valid"]').count()).toBe(1);
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.getByText('Anything else? Type "menu"').waitFor();
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-desktop.png') });
    await page.context().close();
  });

  it('shows what was found as one checklist card: the account ticked, a token still pending under an hourglass', async () => {
    const page = await openChat({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'My new token does not work yet' }).click();
    await type(page, 'bob');
    const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('bob@example.org'));
    await type(page, /\b[A-Z]{4}-[A-Z]{4}\b/.exec(mail.text ?? '')?.[0] as string);
    const card = page.locator('#log .msg.checklist').filter({ has: page.locator('[data-check="token"]') });
    await card.waitFor({ timeout: 10_000 });
    expect(await card.locator('.checklist-title').textContent()).toBe('What the helpdesk checked');
    // One card for the answer's findings, a row a check, in the order they were found.
    expect(await card.locator('li.finding').evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset.check}:${(r as HTMLElement).dataset.mark}`))).toEqual(['account:pass', 'token:pending']);
    expect(await card.locator('li[data-check="token"] .mark').textContent()).toBe('⏳');
    expect(await card.getByRole('list').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'checklist-phone.png'), fullPage: true });
    await page.context().close();
  });

  it.each([90, -40])('the phone clock check reports a phone %i s off within 1 s', async (skew) => {
    const page = await openChat({ width: 1280, height: 860 });
    await page.getByRole('button', { name: 'My login code is not accepted' }).click();
    await type(page, 'skip');
    await page.getByText('What time does your phone show').waitFor();
    const link = await page.locator('a.clock-link').getAttribute('href');
    expect(link).toMatch(/\/c\/[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{16}$/);
    await expect(page.locator('img.qr').last()).toBeTruthy();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile' });
    await phone.clock.install({ time: new Date(Date.now() + skew * 1000) });
    const p = await phone.newPage();
    await p.goto(new URL(link as string).pathname.replace(/^/, w.url));
    const verdict = p.locator('#verdict');
    await verdict.filter({ hasText: /Your device is/ }).waitFor({ timeout: 15_000 });
    const offsetMs = Number(await verdict.getAttribute('data-offset-ms'));
    expect(Math.abs(offsetMs - skew * 1000)).toBeLessThan(1000);
    expect(await verdict.textContent()).toContain(skew > 0 ? `${skew} s ahead` : `${-skew} s behind`);
    await p.screenshot({ path: path.join(ARTIFACTS, `clock-phone-${skew > 0 ? 'ahead' : 'behind'}.png`) });
    await phone.close();

    // The conversation on the desktop continues with the measurement.
    await page.getByText(skew > 0 ? `Your device is ${skew} s ahead` : `Your device is ${-skew} s behind`).waitFor({ timeout: 10_000 });
    await page.getByText('Set your phone to take the time from the network').waitFor();
    await page.context().close();
  });

  it('a support form submission arrives by e-mail with the transcript attached', async () => {
    const page = await openChat();
    await page.getByRole('button', { name: 'Do I need two-factor from where I am?' }).click();
    await page.getByText('set up two-factor now?').waitFor();
    await page.getByRole('link', { name: 'Support form' }).click();
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Your e-mail address').fill('grace@example.org');
    await page.getByLabel('What happened?').fill('My codes stopped working after a trip. <b>bold?</b>');
    await expect(page.getByText(/Our conversation \(\d+ messages\) and the results of my checks will be attached/).isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Send to support' }).click();
    await page.locator('#reference, .error').first().waitFor();
    if (await page.locator('.error').count()) throw new Error(await page.locator('.card').innerText());
    const reference = (await page.locator('#reference').textContent()) as string;
    expect(reference).toMatch(/^HD-[A-Z0-9]{6}$/);
    const mail = await smtp.waitFor((m) => (m.subject ?? '').includes(reference));
    expect(mail.text).toContain('Grace Hopper: My codes stopped working after a trip. <b>bold?</b>');
    const transcript = mail.attachments.find((a) => a.filename?.endsWith('-transcript.txt'))?.content.toString();
    expect(transcript).toMatch(/Do I need two-factor from where I am\?/);
    await page.context().close();
  });

  it('reads well on a phone, switches to Swedish, and works from the keyboard', async () => {
    const page = await openChat({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Svenska' }).click();
    await page.getByRole('button', { name: 'Min inloggningskod godtas inte' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    // Keyboard only: tab to a topic and press Enter.
    await page.getByRole('button', { name: 'Jag har inte fått något' }).last().focus();
    await page.keyboard.press('Enter');
    await page.getByText('Inget skickas till dig').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-phone.png'), fullPage: true });
    // No request left this machine: every resource came from the helpdesk itself.
    const external = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => !n.startsWith(location.origin)));
    expect(external).toEqual([]);
    await page.context().close();
  });

  it('shows a hand-over as its own card: the reference one unbreakable chip that can be copied, on a narrow phone', async () => {
    const page = await openChat({ width: 320, height: 700 });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await type(page, 'I want to talk to a person');
    await page.getByText('what is your UPPMAX username').waitFor();
    await type(page, 'skip');
    await page.getByText('Describe in a sentence or two').waitFor();
    await type(page, 'My phone was replaced and nothing works');
    // Nobody known: how the support team can reach them, asked once; the button answers it.
    await page.getByRole('button', { name: 'Here in this chat' }).click();
    const card = page.locator('.msg.handover');
    await card.waitFor();
    expect(await card.locator('.handover-title').textContent()).toBe('With the support team');
    const chip = card.locator('.ref-chip');
    expect(await chip.count()).toBe(1);
    const reference = (await chip.textContent()) as string;
    expect(reference).toMatch(/^HD-[A-Z0-9]{6}$/);
    expect(await card.getAttribute('data-ticket')).toBe(reference);
    // One line: as tall as one line of its own text, whatever the width of the card.
    const { height, lineHeight } = await chip.evaluate((el) => ({ height: el.getBoundingClientRect().height, lineHeight: parseFloat(getComputedStyle(el).lineHeight) || 24 }));
    expect(height).toBeLessThan(lineHeight * 1.6);
    await card.getByRole('button', { name: `Copy ${reference}` }).click();
    await card.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(reference);
    await page.screenshot({ path: path.join(ARTIFACTS, 'handover-phone.png'), fullPage: true });
    await page.context().close();
  });
});
