// Facts a person gives in passing, read from every message at every step: a username or
// address, how many codes were typed (never the digits), the phone's clock, its kind and what
// happened to it, where the person is, how long ago they registered, whether they want a person,
// report a token they did not register, or ask for something the helpdesk does not do. Both
// languages, typos, no å/ä/ö; "not" counts only in its own phrase. Precise before complete: a fact
// not found is asked for, a wrong one is acted on.
import { redactCodes } from './codes.ts';
import type { Facts } from '../ports/understanding.ts';
import { clausesOf } from './clauses.ts';
import { extractCodeNoted } from './extract-code-source.ts';
import { extractDevice, extractPlatform, type DeviceEvent, type Platform } from './extract-device.ts';
import { extractPlace } from './extract-place.ts';
import { extractOutOfScope, extractWantsHuman, type OutOfScope } from './extract-requests.ts';
import { matchFact, type CompiledFact } from './fact-rules.ts';
import { phraseClauses } from './phrase-patterns.ts';
import { extractDeviceTime, extractRegisteredMinutesAgo, type DeviceClock } from './extract-times.ts';
import { extractEmail, extractUsername } from './extract-username.ts';
import type { Lang } from '../ports/lang.ts';

export type { DeviceEvent, Platform, OutOfScope, DeviceClock };

/** Every fact of a message, the phone's time as the extractor read it. */
export type ExtractedSlots = Facts<DeviceClock>;

const CODE_MARK = '[code]';
const count = (text: string, mark: string) => text.split(mark).length - 1;

/** Facts written as rules in data (flows/facts/), read beside the extractors. */
export interface FactReaders {
  /** "A token was registered and it was not me": someone else may have the account. */
  takeover?: CompiledFact;
}

/**
 * Every fact `text` gives. `lang`, when known, settles words that differ between the languages
 * ("dog" is a dog in English and "died" in Swedish); without it both are read.
 */
export function extractSlots(text: string, lang?: Lang, readers: FactReaders = {}): ExtractedSlots {
  // Codes first, and out of the text: no extractor ever sees their digits.
  const redacted = redactCodes(text);
  const codes = count(redacted, CODE_MARK) - count(text, CODE_MARK);
  const clean = redacted.split(CODE_MARK).join(' ');
  const clauses = clausesOf(lang === 'en' ? clean.replace(/\bdog\b/gi, 'hound') : clean);
  const out: ExtractedSlots = { codes };
  const email = extractEmail(clean);
  if (email) out.email = email;
  const username = extractUsername(clean);
  if (username) out.username = username;
  const deviceTime = extractDeviceTime(clean);
  if (deviceTime) out.deviceTime = deviceTime;
  const platform = extractPlatform(clauses);
  if (platform) out.platform = platform;
  const device = extractDevice(clauses);
  if (device) out.device = device;
  const { place, inSweden } = extractPlace(clauses, clean);
  if (place) out.place = place;
  if (inSweden !== undefined) out.inSweden = inSweden;
  const minutes = extractRegisteredMinutesAgo(clauses, clean);
  if (minutes !== undefined) out.registeredMinutesAgo = minutes;
  if (extractWantsHuman(clauses)) out.wantsHuman = true;
  if (readers.takeover && matchFact(readers.takeover, phraseClauses(clean))) out.takeover = true;
  const outOfScope = extractOutOfScope(clauses);
  if (outOfScope) out.outOfScope = outOfScope;
  if (extractCodeNoted(clauses)) out.codeNoted = true;
  return out;
}
