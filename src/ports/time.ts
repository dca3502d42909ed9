// Time through small interfaces, so tests move time instead of sleeping.

export interface Clock {
  /** Milliseconds since the epoch, by this host's clock. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ReferenceReading {
  /** The best estimate of true time, in ms since the epoch. */
  ms: number;
  reference: 'ntp' | 'host';
  /** How far this host's clock is from NTP time (host minus NTP), when known. */
  hostOffsetMs?: number;
}

/** The reference every clock measurement is made against: NTP-corrected when NTP answers. */
export interface ReferenceTime {
  now(): ReferenceReading;
}
