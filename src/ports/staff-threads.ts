// The hand-over's thread in a staff channel (Slack, Discord): which conversation a card belongs to,
// which staff member owns the conversation, and whether it is closed. Shared by every replica.
import type { Lang } from './lang.ts';

export interface StaffThread {
  /** The ticket's reference, which the card shows. */
  reference: string;
  conversationId: string;
  /** The person's language: what staff send them is framed in it. */
  lang: Lang;
  /** The staff channel's id and the card's id in it (Slack's channel and ts; Discord's channel and message). */
  place: string;
  thread: string;
  /** The staff member who owns the conversation (a platform user id), once someone claimed it. */
  owner?: string;
  closedAt?: number;
}

export type Claim = { owner: string; mine: boolean };

export interface StaffThreads {
  /** The card for `reference` is in `place`/`thread`; a second call for the same reference keeps the first. */
  opened(t: Omit<StaffThread, 'owner' | 'closedAt'>, now: number): Promise<void>;
  byReference(reference: string): Promise<StaffThread | undefined>;
  byThread(place: string, thread: string): Promise<StaffThread | undefined>;
  /** The conversation's thread that is not closed (the latest hand-over), if any. */
  liveFor(conversationId: string): Promise<StaffThread | undefined>;
  /** The first claim wins: `mine` says whether `staff` owns it now (it claimed it, now or before). */
  claim(reference: string, staff: string): Promise<Claim | undefined>;
  /** Closes the thread; true for the one call that closed it (the person is told once). */
  close(reference: string, now: number): Promise<boolean>;
  /** True the first time only: the person is told once that a person is answering and the bot is quiet. */
  firstQuiet(reference: string, now: number): Promise<boolean>;
}
