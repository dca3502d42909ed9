// "Did this help?" as each channel shows it: Block Kit buttons in Slack, buttons in Discord, numbered
// choices in the terminal, in the conversation's language; a press is the choice the engine takes.
import { describe, expect, it } from 'vitest';
import { renderBlocks } from '../../src/channels/slack/blocks.ts';
import { renderMessages } from '../../src/channels/discord/render.ts';
import { renderReplies } from '../../src/channels/shared/plain-text.ts';
import { newSnapshot } from '../../src/engine/snapshot.ts';
import { HELPED_NO, HELPED_YES } from '../../src/engine/outcome.ts';
import { play } from '../helpers/engine.ts';
import type { Lang } from '../../src/ports/lang.ts';

const NOW = Date.parse('2026-12-01T10:00:00Z');

function atTheEnd(lang: Lang) {
  const first = lang === 'en' ? 'I have no account' : 'jag har inget konto';
  return play(newSnapshot(`slack:T1:D1:U${lang}`, NOW, { lang }), NOW, { type: 'text', text: first }, { type: 'text', text: lang === 'en' ? 'no' : 'nej' });
}

describe('"Did this help?" in each channel', () => {
  it.each([
    ['en', 'Did this help?', ['👍 Yes', '👎 No']],
    ['sv', 'Hjälpte det här?', ['👍 Ja', '👎 Nej']],
  ] as const)('%s: Slack buttons, Discord buttons, terminal numbers', (lang, question, labels) => {
    const { replies, snapshot } = atTheEnd(lang);
    expect(snapshot.feedback?.state).toBe('asked');

    const slack = renderBlocks(replies).blocks;
    const actions = slack.filter((b) => b.type === 'actions').at(-1) as { elements: Array<{ action_id: string; value: string; text: { text: string } }> };
    expect(actions.elements.map((e) => [e.action_id, e.value, e.text.text])).toEqual([
      [`choice:${HELPED_YES}`, HELPED_YES, labels[0]],
      [`choice:${HELPED_NO}`, HELPED_NO, labels[1]],
    ]);
    expect(JSON.stringify(slack)).toContain(question);

    const discord = renderMessages(replies).at(-1)!;
    expect(discord.content).toContain(question);
    const buttons = (discord.components as Array<{ components: Array<{ custom_id: string; label: string }> }>).flatMap((row) => row.components);
    expect(buttons.map((b) => [b.custom_id, b.label])).toEqual([
      [`choice:${HELPED_YES}`, labels[0]],
      [`choice:${HELPED_NO}`, labels[1]],
    ]);

    const terminal = renderReplies(replies);
    expect(terminal.text).toContain(`${question}\n  1) ${labels[0]}\n  2) ${labels[1]}`);
    expect(terminal.choices?.map((c) => c.id)).toEqual([HELPED_YES, HELPED_NO]);
  });

  it('a press is taken once: the second press of an old button changes nothing', () => {
    const { snapshot } = atTheEnd('en');
    const pressed = play(snapshot, NOW + 1000, { type: 'choice', id: HELPED_NO });
    expect(pressed.snapshot.feedback).toEqual({ state: 'comment', helpful: false });
    const again = play(pressed.snapshot, NOW + 2000, { type: 'choice', id: HELPED_YES });
    expect(again.snapshot.feedback).toEqual({ state: 'comment', helpful: false });
    expect(again.text).not.toContain('Did this help?');
  });
});
