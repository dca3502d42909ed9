// /2fa-diagnose for the staff role, and the buttons of its report (run again, open a ticket).
import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { decodeTarget, parseTarget } from '../../shared/diagnostic.ts';
import { renderReport, safeText } from '../render.ts';
import { say, type DiscordDeps } from '../deps.ts';

/** The roles of the member who asked; none outside a server (a DM has no staff). */
function rolesOf(i: ChatInputCommandInteraction | ButtonInteraction): Iterable<string> {
  if (!i.inGuild()) return [];
  const roles = i.member.roles;
  return Array.isArray(roles) ? roles : roles.cache.keys();
}

/** A member's name as the server shows it: their nickname, else their display name. */
export function memberName(i: ChatInputCommandInteraction | ButtonInteraction): string {
  const m = i.member;
  if (m && 'displayName' in m) return m.displayName;
  return m?.nick ?? i.user.displayName;
}

export const isStaff = (d: DiscordDeps, i: ChatInputCommandInteraction | ButtonInteraction) => i.inGuild() && d.staff.isStaff(i.user.id, rolesOf(i));
const refusal = (d: DiscordDeps, locale: string) => say(d, locale, 'refusal', { platform: 'Discord', command: '/2fa' });

export async function diagnoseCommand(d: DiscordDeps, i: ChatInputCommandInteraction): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  if (!(await isStaff(d, i))) {
    await i.editReply({ content: refusal(d, i.locale), allowedMentions: { parse: [] } });
    return;
  }
  const t = parseTarget(d.ctx.parse, i.options.getString('user', true), i.options.getString('ip') ?? undefined);
  if (!t.ok) {
    await i.editReply({ content: say(d, i.locale, 'diagnose_usage', { command: '/2fa-diagnose user:<username|email> ip:<address>' }), allowedMentions: { parse: [] } });
    return;
  }
  const lang = d.ctx.words.langOfLocale(i.locale);
  await i.editReply(renderReport(await d.ctx.staff.report(t.target, lang), t.target));
}

export async function diagnoseButton(d: DiscordDeps, i: ButtonInteraction): Promise<void> {
  const [, kind, key = ''] = i.customId.split(':');
  if (!(await isStaff(d, i))) {
    await i.reply({ content: refusal(d, i.locale), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    return;
  }
  const t = decodeTarget(d.ctx.parse, Buffer.from(key, 'base64url').toString('utf8'));
  if (!t) return;
  if (kind === 'rerun') {
    await i.deferUpdate();
    await i.editReply(renderReport(await d.ctx.staff.report(t, d.ctx.words.langOfLocale(i.locale)), t));
  } else if (kind === 'ticket') {
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    const reference = await d.ctx.staff.openTicket({ ...t, platform: 'discord', label: 'Discord', staffId: i.user.id, staffName: memberName(i) });
    await i.editReply({ content: say(d, i.locale, 'ticket_opened', { reference, who: safeText(t.who) }), allowedMentions: { parse: [] } });
  }
}
