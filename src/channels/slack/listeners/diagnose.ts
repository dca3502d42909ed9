// /2fa-diagnose for staff: a report about someone (a mention, a username or an e-mail, and an
// address), with buttons to run it again, see their latest conversation and open a ticket. Always
// ephemeral; whether the person is staff is decided after the ack, the same way for everyone.
import type { App } from '@slack/bolt';
import type { Lang } from '../../../ports/lang.ts';
import type { StaffTarget } from '../../../ports/staff-desk.ts';
import { decodeTarget, parseTarget } from '../../shared/diagnostic.ts';
import { escapeMrkdwn, renderReport } from '../blocks.ts';
import { say, type SlackDeps, type WebClient } from '../deps.ts';

/** `@user|username|email [ip]` to a target, or the problem to show. */
async function target(d: SlackDeps, client: WebClient, raw: string, lang: Lang): Promise<StaffTarget | string> {
  const [first = '', second] = raw.trim().split(/\s+/);
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(first);
  if (second !== undefined && !d.ctx.parse.ip(second)) return say(d, lang, 'not_an_ip', { what: second.slice(0, 60) });
  let who = first;
  if (mention?.[1]) {
    const { email } = await d.profiles.of(client, mention[1]);
    if (!email) return say(d, lang, 'no_profile_email');
    who = email;
  }
  const t = parseTarget(d.ctx.parse, who, second);
  return t.ok ? t.target : say(d, lang, 'diagnose_usage', { command: d.settings.diagnoseCommand });
}

async function report(d: SlackDeps, t: StaffTarget, lang: Lang) {
  return renderReport(await d.ctx.staff.report(t, lang), t);
}

const refusal = (d: SlackDeps, lang: Lang) => say(d, lang, 'refusal', { platform: 'Slack' });

export function registerDiagnose(app: App, d: SlackDeps): void {
  app.command(d.settings.diagnoseCommand, async ({ ack, command, client, respond }) => {
    await ack({ response_type: 'ephemeral', text: d.ctx.words.say('en', 'one_moment') });
    // The request is answered when this listener returns (the inbox is written before an ack, see
    // channel.ts): the report runs after it, in the turn queue.
    d.queue.later(`diag:${command.user_id}`, async () => {
      const { lang } = await d.profiles.of(client, command.user_id);
      if (!(await d.staff.isStaff(command.user_id))) {
        await respond({ response_type: 'ephemeral', replace_original: true, text: refusal(d, lang) });
        return;
      }
      const t = await target(d, client, command.text, lang);
      if (typeof t === 'string') {
        await respond({ response_type: 'ephemeral', replace_original: true, text: t });
        return;
      }
      const rendered = await report(d, t, lang);
      await respond({ response_type: 'ephemeral', replace_original: true, blocks: rendered.blocks, text: rendered.text });
    });
  });

  app.action(/^diag:/, async ({ ack, body, action, client, respond }) => {
    await ack();
    const user = (body as { user: { id: string } }).user.id;
    d.queue.later(`diag:${user}`, async () => {
      const { lang, name } = await d.profiles.of(client, user);
      if (!(await d.staff.isStaff(user))) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: refusal(d, lang) });
        return;
      }
      const t = decodeTarget(d.ctx.parse, (action as { value?: string }).value ?? '{}');
      if (!t) return;
      const kind = (action as { action_id: string }).action_id;
      if (kind === 'diag:rerun') {
        const rendered = await report(d, t, lang);
        await respond({ response_type: 'ephemeral', replace_original: true, blocks: rendered.blocks, text: rendered.text });
      } else if (kind === 'diag:transcript') {
        const lines = await d.ctx.staff.latestTranscript('slack', t.who);
        const text = lines.length ? `${say(d, lang, 'latest_conversation', { who: t.who })}\n\`\`\`${escapeMrkdwn(lines.join('\n').slice(-2800))}\`\`\`` : say(d, lang, 'no_conversation', { who: t.who });
        await respond({ response_type: 'ephemeral', replace_original: false, text });
      } else if (kind === 'diag:ticket') {
        const reference = await d.ctx.staff.openTicket({ ...t, platform: 'slack', label: 'Slack', staffId: user, ...(name ? { staffName: name } : {}) });
        await respond({ response_type: 'ephemeral', replace_original: false, text: say(d, lang, 'ticket_opened', { reference, who: t.who }) });
      }
    });
  });
}
