// How Slack, Discord and the plain-text channels draw where a setup step is ("Step 5 of 9", said
// once, above the question) and a checklist card that stands alone (the findings a turn starts with).
import { describe, expect, it } from 'vitest';
import { renderBlocks } from '../../src/channels/slack/blocks.ts';
import { renderMessages } from '../../src/channels/discord/render.ts';
import { renderReplies } from '../../src/channels/shared/plain-text.ts';
import { checklistCard, type Finding } from '../../src/channels/shared/checklist.ts';
import type { Reply } from '../../src/ports/conversations.ts';

const question: Reply = {
  kind: 'choices',
  prompt: 'In your authenticator app, add an account and scan the QR code on the page.',
  choices: [{ id: 'done', label: 'Done, next step' }],
  stage: { at: 5, of: 9, label: 'Step 5 of 9' },
  picture: { name: 'scan_qr', alt: 'A phone with its camera on a QR code shown on a computer screen' },
};
const finding = (check: string, code: string, status: Finding['status'], text: string): Finding => ({ kind: 'finding', check, code, status, text });
const account = finding('account', 'account.found', 'pass', 'The account bob exists and is active.');
const pending = finding('token', 'token.pending', 'warn', 'Your token was registered 5 minutes ago and is still being activated.');
const network = finding('network', 'network.external', 'fail', 'Your address needs two-factor.');

describe('the step a question is at', () => {
  it('Slack: the label in bold on its own line above the question, once', () => {
    const { blocks } = renderBlocks([question]);
    const texts = (blocks as Array<{ text?: { text?: string } }>).flatMap((b) => (b.text?.text ? [b.text.text] : []));
    expect(texts[0]).toBe('*Step 5 of 9*\nIn your authenticator app, add an account and scan the QR code on the page.');
    expect(JSON.stringify(blocks).match(/Step \d of 9/g)).toHaveLength(1);
  });

  it('Discord: the label in bold above the question, once', () => {
    const [message] = renderMessages([question]);
    expect(message?.content).toBe('**Step 5 of 9**\nIn your authenticator app, add an account and scan the QR code on the page.');
  });

  it('the terminal and the line chat: the label on a line of its own', () => {
    expect(renderReplies([question]).text.split('\n').slice(0, 2)).toEqual(['Step 5 of 9', 'In your authenticator app, add an account and scan the QR code on the page.']);
  });
});

describe('a checklist card', () => {
  it('is marked by its worst row: a failure over a pending token, a pending token over a pass', () => {
    expect(checklistCard([account, pending, network], 't').mark).toBe('fail');
    expect(checklistCard([account, pending], 't').mark).toBe('pending');
    expect(checklistCard([account], 't').mark).toBe('pass');
  });

  it('Discord: findings a turn starts with are an embed of their own, the text after them the next message', () => {
    const [card, after] = renderMessages([account, pending, { kind: 'text', text: 'That is normal.' }], { checklistTitle: 'What the helpdesk checked' });
    expect(card?.content).toBe('');
    expect(card?.embeds).toEqual([{ title: 'What the helpdesk checked', description: '✅ The account bob exists and is active.\n⏳ Your token was registered 5 minutes ago and is still being activated.', color: 0x0b5cad }]);
    expect(after).toMatchObject({ content: 'That is normal.' });
    expect(after?.embeds).toBeUndefined();
  });

  it('Slack: one section, the title in bold, a row a line, each text escaped', () => {
    const { blocks } = renderBlocks([account, finding('clock', 'clock.skewed', 'fail', 'Your clock is <90 s> ahead @here')], { checklistTitle: 'Det här kontrollerade supporten' });
    expect(blocks).toEqual([{ type: 'section', block_id: 'checklist', text: { type: 'mrkdwn', text: '*Det här kontrollerade supporten*\n:white_check_mark: The account bob exists and is active.\n:x: Your clock is &lt;90 s&gt; ahead @\u200bhere' } }]);
  });
});
