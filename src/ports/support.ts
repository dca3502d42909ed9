// The support form as a channel sees it (the web page's /support): what the form may show of the
// person's conversation, and the ticket it opens. Which facts count as proved, and what a ticket
// carries (transcript, findings), stay with the engine.
import type { Lang } from './lang.ts';

/** What the form is filled in with: the e-mail address and username only when the person proved them. */
export interface SupportPrefill {
  email: string;
  username: string;
  /** What the conversation noted the person asked about. */
  what: string;
  /** Messages and check results that will be attached. */
  messages: number;
  findings: number;
  /** A ticket the conversation already has: the form adds to it. */
  ticket?: string;
}

/** The form as sent: the fields the prefill offered (as the person left them), and their name. */
export interface SupportRequest extends Pick<SupportPrefill, 'email' | 'username' | 'what'> {
  conversationId: string;
  lang: Lang;
  name: string;
  /** The address the form came from. */
  ip: string;
}

export interface SupportForms {
  /** Empty fields for a conversation that does not exist. */
  prefill(conversationId: string): Promise<SupportPrefill>;
  /** Opens the ticket (or adds to the conversation's ticket) with the conversation attached; its reference. */
  open(request: SupportRequest): Promise<string>;
}
