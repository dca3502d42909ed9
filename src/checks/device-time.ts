// What a person typed as their device's time, and how far that is from the reference clock.
// A bare wall-clock time ("14:32:05") says nothing about the time zone, so the offset is taken
// modulo 15 minutes (every zone is a multiple of that): a wrong zone does not break TOTP, a wrong
// clock does.

export type DeviceTime =
  | { kind: 'wall'; secondsOfDay: number; precision: number }
  | { kind: 'instant'; ms: number };

const WALL = /^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(am|pm)?$/i;
const ISO_ZONED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

export function parseDeviceTime(text: string): DeviceTime | undefined {
  const t = text.trim();
  if (ISO_ZONED.test(t)) {
    const ms = Date.parse(t.replace(' ', 'T'));
    return Number.isFinite(ms) ? { kind: 'instant', ms } : undefined;
  }
  const local = t.match(ISO_LOCAL);
  if (local) {
    const [, , , , h, m, s] = local;
    return wall(Number(h), Number(m), s === undefined ? undefined : Number(s), undefined);
  }
  const w = t.match(WALL);
  if (!w) return undefined;
  return wall(Number(w[1]), Number(w[2]), w[3] === undefined ? undefined : Number(w[3]), w[4]?.toLowerCase());
}

function wall(h: number, m: number, s: number | undefined, ampm: string | undefined): DeviceTime | undefined {
  if (ampm) {
    if (h < 1 || h > 12) return undefined;
    h = (h % 12) + (ampm === 'pm' ? 12 : 0);
  }
  if (h > 23 || m > 59 || (s !== undefined && s > 59)) return undefined;
  // A time without seconds is somewhere in that minute: take the middle, and say how unsure it is.
  return s === undefined
    ? { kind: 'wall', secondsOfDay: h * 3600 + m * 60 + 30, precision: 30 }
    : { kind: 'wall', secondsOfDay: h * 3600 + m * 60 + s, precision: 1 };
}

const ZONE_STEP = 15 * 60;

/**
 * Device minus reference, in seconds. `readAtMs` is the reference time at which the person read
 * their device (the message's arrival minus the typing delay).
 */
export function deviceOffsetSeconds(device: DeviceTime, readAtMs: number): { offset: number; precision: number } {
  if (device.kind === 'instant') return { offset: (device.ms - readAtMs) / 1000, precision: 1 };
  const refSecondsOfDay = ((readAtMs / 1000) % 86400 + 86400) % 86400;
  let diff = device.secondsOfDay - refSecondsOfDay;
  diff = ((diff % ZONE_STEP) + ZONE_STEP * 1.5) % ZONE_STEP - ZONE_STEP / 2;
  return { offset: diff, precision: device.precision };
}

/** Is `zone` an IANA time zone this runtime knows (Europe/Stockholm, UTC, …)? */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** How far `zone` is ahead of UTC at instant `ms`, in ms. */
function zoneOffsetMs(zone: string, ms: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * A wall-clock time read in `zone`, as the instant nearest `nearMs` (today, or across midnight):
 * with the zone known, an offset of more than 7.5 minutes is measured too.
 */
export function wallInZone(device: Extract<DeviceTime, { kind: 'wall' }>, zone: string, nearMs: number): DeviceTime {
  const offset = zoneOffsetMs(zone, nearMs);
  const localNow = nearMs + offset;
  const dayStart = Math.floor(localNow / 86_400_000) * 86_400_000;
  let best = dayStart + device.secondsOfDay * 1000 - offset;
  for (const shift of [-86_400_000, 86_400_000]) {
    const candidate = best + shift;
    if (Math.abs(candidate - nearMs) < Math.abs(best - nearMs)) best = candidate;
  }
  return device.precision > 1 ? { kind: 'wall', secondsOfDay: device.secondsOfDay, precision: device.precision } : { kind: 'instant', ms: best };
}
