// The staff channel seen from the web page, in real headless Chromium: a person hands over on the
// page, a staff member answers in the Slack card's thread (signed events into the real Bolt receiver,
// the local fake of the Slack Web API), and the page shows the answer as a person's; the person's
// answer goes back to the thread.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import type { Helpdesk } from '../../src/main.ts';
import type { WebServer } from '../../src/channels/web/server.ts';
import { postEvent } from '../helpers/slack.ts';
import { startSlackHelpdesk, type SlackHelpdesk } from '../helpers/slack-helpdesk.ts';
import { startSlackApi, type SlackApiPeer } from '../peers/slack-api.ts';

let api: SlackApiPeer;
let helpdesk: SlackHelpdesk;
let app: Helpdesk;
let web: WebServer;
let browser: Browser;

beforeAll(async () => {
  api = await startSlackApi();
  api.users = { USTAFF: { name: 'staff', email: 'staff@example.org' } };
  helpdesk = await startSlackHelpdesk(api, { DNS_TIMEOUT_MS: '300', SLACK_STAFF_USERS: 'USTAFF', SLACK_STAFF_CHANNEL: 'CSTAFF' }, { ids: { botUserId: 'UBOT', botId: 'BBOT' } });
  ({ app, web } = helpdesk);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await helpdesk?.close();
  await api?.close();
});

async function type(page: Page, text: string) {
  await page.getByLabel('Your message').fill(text);
  await page.getByLabel('Your message').press('Enter');
}

describe('a staff reply on the web page', () => {
  it('shows as a person of the support team, and the answer goes back to the thread', async () => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB' })).newPage();
    await page.goto(web.url);
    await page.getByRole('button', { name: 'My login code is not accepted' }).waitFor();
    await type(page, 'I want to talk to a person');
    await page.locator('.msg').filter({ hasText: /describe|what happened|tell/i }).last().waitFor();
    await type(page, 'my codes have been rejected since yesterday and I have tried everything');
    // Nobody proven: the helpdesk asks how staff can reach the person first; here in this chat.
    await page.getByRole('button', { name: 'Here in this chat' }).click();
    const chip = page.locator('.ref-chip');
    await chip.waitFor();
    const reference = ((await chip.textContent()) ?? '').trim();
    expect(reference).toMatch(/^HD-[A-Z0-9]{6}$/);
    await api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'CSTAFF' && JSON.stringify(c.args.blocks).includes(`Hand-over ${reference}`));
    const card = api.messages.find((m) => m.channel === 'CSTAFF' && !m.thread_ts)!;
    expect(JSON.stringify(card.blocks)).toContain('Chat: web');

    await postEvent(web.url, { type: 'message', channel: 'CSTAFF', channel_type: 'channel', user: 'USTAFF', text: 'Hello, I am Maria from support. Which phone do you use?', ts: `${Date.now() / 1000}`, thread_ts: card.ts });
    const staff = page.locator('.msg.staff');
    await staff.waitFor({ timeout: 10_000 });
    expect(await staff.locator('.staff-from').textContent()).toBe('From the support team (a person, not the bot):');
    expect(await staff.textContent()).toContain('Which phone do you use?');
    // A person's bubble, not the bot's: its own colour.
    const [staffColour, botColour] = await Promise.all([staff.evaluate((e) => getComputedStyle(e).backgroundColor), page.locator('.msg:not(.staff):not(.me)').first().evaluate((e) => getComputedStyle(e).backgroundColor)]);
    expect(staffColour).not.toBe(botColour);

    await type(page, 'An old Android phone');
    await api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'CSTAFF' && c.args.thread_ts === card.ts && JSON.stringify(c.args.blocks).includes('An old Android phone'));
    await page.getByText('A person from the support team is answering you here now').waitFor();

    // A reply delivered twice with its key (its replica died before marking it sent) shows once.
    const conversation = (await app.staffThreads.byReference(reference))!.conversationId;
    const again = { kind: 'text' as const, text: 'From the support team (a person, not the bot):\nPlease restart the app.', staff: true, key: 'staff-reply:slack-staff:EvTwice' };
    await app.outOfBand.deliver(conversation, [again]);
    await app.outOfBand.deliver(conversation, [again]);
    await app.outOfBand.deliver(conversation, [{ ...again, text: 'From the support team (a person, not the bot):\nAnd after that?', key: 'staff-reply:slack-staff:EvAfter' }]);
    await page.locator('.msg.staff').filter({ hasText: 'And after that?' }).waitFor();
    expect(await page.locator('.msg.staff').filter({ hasText: 'Please restart the app.' }).count()).toBe(1);
    await page.context().close();
  });
});
