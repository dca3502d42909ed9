// What the web channel uses until it is a plugin on the ports-only ChannelContext (the next step of issue 20):
// the helpdesk's parts as before. Only the web channel imports this.
import type { Helpdesk } from '../../main.ts';

export type WebContext = Pick<
  Helpdesk,
  | 'config'
  | 'words'
  | 'seen'
  | 'runner'
  | 'checks'
  | 'clock'
  | 'log'
  | 'links'
  | 'outOfBand'
  | 'handover'
  | 'reference'
  | 'secret'
  | 'limits'
  | 'lookup'
  | 'outbox'
  | 'ticketsWaiting'
  | 'storeWritable'
  | 'watcher'
>;
