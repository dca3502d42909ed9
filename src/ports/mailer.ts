// Sending e-mail (proof-of-identity links, tickets to the support address).
export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** A stable id, so a message sent twice after a crash is recognisably the same one. */
  messageId?: string;
  /** The Message-ID this mail follows up, so mail clients thread it with the earlier one. */
  inReplyTo?: string;
  /** The thread this mail belongs to (Message-IDs, oldest first), for gateways that thread by it (osTicket, Zammad). */
  references?: string[];
  /** Where a reply goes instead of the sender (a ticket's requestor: RT takes Reply-To before From). */
  replyTo?: string;
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}
