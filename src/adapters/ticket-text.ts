// A ticket as the support team reads it, in a ticket system's first message or a mail body: who, how
// to reach them (and whether that address was proved), what happened, what the checks found.
import type { Ticket } from '../ports/tickets.ts';

/** The person's e-mail address when it was proved (a mail code, a platform's verified profile): only then may staff reply to it. */
export function provenEmail(t: Ticket): string | undefined {
  const { email, identity } = t.subject;
  return email && identity !== undefined && identity !== 'claimed' ? email : undefined;
}

/** The address line, saying whether replies may go there. */
function reachLine(t: Ticket): string {
  const email = t.subject.email;
  if (!email) return t.reachInChat ? 'E-mail: (none: the person asked to be answered in the chat; they can ask the bot there for the status)' : 'E-mail: (not given)';
  if (provenEmail(t)) return `E-mail: ${email} (proved; replies go to it)`;
  return `E-mail: ${email} (NOT proved: anyone may have typed it. Send it nothing but the reference, no transcript or findings; ask for proof before writing anything about the account to it)`;
}

export function ticketText(reference: string, t: Ticket, notes: readonly string[] = []): string {
  const lines = [
    `Ticket ${reference}${t.urgent ? ' — URGENT (possible account takeover)' : ''}`,
    '',
    `User: ${t.subject.user ?? '(not given)'}${t.subject.identity ? ` (identity: ${t.subject.identity})` : ''}`,
    reachLine(t),
    `Address: ${t.subject.ip ?? '(unknown)'}`,
    `Language: ${t.lang}`,
    `Conversation: ${t.conversationId}`,
    `Created: ${t.createdAt}`,
    ...(t.relatesTo ? [`Follow-up to: ${t.relatesTo}`] : []),
    ...notes,
  ];
  if (t.note) lines.push('', 'What happened:', t.note);
  if (t.findings.length) {
    lines.push('', 'Findings:');
    for (const f of t.findings) lines.push(`- [${f.status}] ${f.code}: ${f.summary}`);
  }
  if (t.transcript.length) lines.push('', 'Conversation:', ...t.transcript);
  return `${lines.join('\n')}\n`;
}

/** A ticket system's subject: the reference first, so RT and Zammad can be searched for it (one ticket per reference). */
export function ticketSubject(reference: string, t: Ticket, centre: string): string {
  const who = t.subject.user ?? 'unknown user';
  if (t.relatesTo) return `[${reference}] Follow-up to ${t.relatesTo}: ${who}`;
  return `[${reference}] ${t.urgent ? 'URGENT: ' : ''}${centre} 2FA helpdesk: ${who}`;
}
