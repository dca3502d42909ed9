// What a channel may use: ports, not adapters. Swapping SQLite for PostgreSQL, or memory limits for
// Redis, changes the wiring in main.ts and nothing here.
import type { Helpdesk } from '../main.ts';

export type ChannelContext = Pick<
  Helpdesk,
  | 'config'
  | 'flows'
  | 'words'
  | 'runner'
  | 'checks'
  | 'clock'
  | 'log'
  | 'links'
  | 'outOfBand'
  | 'handover'
  | 'reference'
  | 'diagnose'
  | 'secret'
  | 'limits'
  | 'seen'
  | 'lookup'
  | 'outbox'
  | 'ticketsWaiting'
  | 'storeWritable'
  | 'watcher'
>;
