// The conversation on stdin/stdout (`2fa-helpdesk chat`, and `serve` run in a terminal).
import { runLineChat, type LineChatOptions } from '../shared/line-chat.ts';

export function runTerminalChat(o: Omit<LineChatOptions, 'channel'>): Promise<void> {
  return runLineChat({ ...o, channel: 'terminal' });
}
