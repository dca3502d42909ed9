// What every part of the chat page shares: where the conversation is, the words, the language, and
// whether a turn is under way.
import type { ChatEvent, PromptInput } from '../../../ports/conversations.ts';
import { fill, type Lang, type PageKey, type Words } from './words.ts';

export interface ChatPage {
  log: HTMLElement;
  scroller: HTMLElement;
  words: Words;
  lang: Lang;
  /** A phone or tablet: the clock check measures right here instead of showing a QR code to scan. */
  onPhone: boolean;
  /** A turn is under way: nothing else is sent until it is answered. */
  busy: boolean;
  /** The kind of answer the last prompt asked for. */
  awaiting: PromptInput | null;
  /** Sends one event as a turn and shows the answer. */
  send(event: ChatEvent): void;
}

/** A page word in the page's current language. */
export const word = (page: ChatPage, key: PageKey, vars?: Record<string, string | number>): string => fill(page.words[page.lang][key], vars);
