// A ticket opened by support staff from a diagnostic report (Slack and Discord alike): a fresh
// report, and the person's latest conversation on that platform when there is one.
import type { ChannelContext } from './context.ts';
import { catalogues, render } from '../i18n/index.ts';

export async function openStaffTicket(
  helpdesk: Pick<ChannelContext, 'diagnose' | 'lookup' | 'handover' | 'runner' | 'clock' | 'log'>,
  o: { platform: 'slack' | 'discord'; who: string; ip?: string; staffId: string },
): Promise<string> {
  const report = await helpdesk.diagnose({ user: o.who, ...(o.ip ? { ip: o.ip } : {}) });
  const conv = await helpdesk.lookup.latestAbout(`${o.platform}:`, o.who);
  const { reference } = await helpdesk.handover.open({
    conversationId: conv?.id ?? `${o.platform}-staff:${o.staffId}`,
    urgent: false,
    lang: 'en',
    subject: { user: o.who, ...(o.ip ? { ip: o.ip } : {}), identity: 'staff' },
    note: render(catalogues.en.channel.staff_ticket_note, { platform: o.platform === 'slack' ? 'Slack' : 'Discord', staff: o.staffId }),
    transcript: conv ? helpdesk.runner.transcript(conv, 'en') : [],
    findings: report.checks,
    createdAt: new Date(helpdesk.clock.now()).toISOString(),
  });
  helpdesk.log.info('ticket opened by staff', { ticket: reference, by: o.staffId, platform: o.platform });
  return reference;
}
