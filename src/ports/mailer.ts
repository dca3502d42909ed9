// Sending e-mail (proof-of-identity links, tickets to the support address).
export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** A stable id, so a message sent twice after a crash is recognisably the same one. */
  messageId?: string;
  /** The Message-ID this mail follows up, so mail clients thread it with the earlier one. */
  inReplyTo?: string;
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}
