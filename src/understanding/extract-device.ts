// What happened to the phone, and which kind of phone, from folded clauses (see clauses.ts): each
// pattern counts only where no "not", "nobody", "inte", "ingen" stands just before it in its clause.
import type { DeviceState, Platform } from '../ports/understanding.ts';
import { findAffirmed } from './clauses.ts';

export type DeviceEvent = DeviceState;
export type { Platform };

const HANDSET = '(?:phone|mobile|cell ?phone|smartphone|iphone|android|screen|display|telefon(?:en)?|mobil(?:en)?|mobiltelefon(?:en)?|lur(?:en)?|skarm(?:en)?|den gamla|the old one)';
const APP = '(?:(?:the |my |min |mitt )?(?:(?:google|microsoft|ms|aegis|2fas|duo) )?(?:authenticator|authentication|auth|2fa|totp|otp|google authenticator|microsoft authenticator|freeotp|authy)?\\s*app|(?:(?:google|microsoft|ms|aegis|2fas|duo) )?authenticator(?:n)?|autentiseringsapp(?:en)?|autentiserare(?:n)?|appen|app(?:en)?)';

/** In order of what matters most when several are said: a theft is urgent whatever else happened. */
const EVENTS: ReadonlyArray<[DeviceEvent, RegExp, boolean]> = [
  // These carry their own negation: matched as said, never "negated".
  ['no_smartphone', /\b(?:flip ?phone|dumb ?phone|feature phone|brick phone|old nokia|knapptelefon|enkel mobil|gammal nokia|no smart ?phone|not a smart ?phone|dont (?:have|own) (?:a )?(?:smart ?phone|phone that can)|do not (?:have|own) (?:a )?smart ?phone|without (?:a )?smart ?phone|ingen smart ?(?:phone|telefon|mobil)|inte (?:nagon|en) smart ?(?:phone|telefon|mobil)|har inte (?:nagon |en )?smart ?(?:phone|telefon|mobil)|saknar smart ?(?:phone|telefon|mobil)|utan smart ?(?:phone|telefon|mobil)|inte smart ?(?:phone|telefon|mobil))\b/, false],
  ['stolen', /\b(?:stolen|stole|stealing|steal|theft|thief|thieves|robbed|robbery|mugged|pickpocket(?:ed)?|snatched|stulen|stulet|stulits|stulit|stal|stjal|stold|stolden|ranad|rankad|ficktjuv|snodd|snott|norpad)\b/, true],
  ['lost', /(?:^(?:its |it is |it was )?lost$|\b(?:lost (?:my |the |her |his |our )?(?:phone|mobile|cell|device|iphone|android|smartphone|it)|(?:phone|mobile|device|iphone|it|she|he) (?:is |was |got |has been |went )?(?:lost|missing)|lose (?:my |the )?(?:phone|mobile|device)|misplaced|left (?:my|the) (?:phone|mobile) (?:at|in|on)|forgot (?:my|the) (?:phone|mobile) (?:at|in|on)|fell out|dropped (?:it|my phone|the phone) (?:somewhere|on the|in the)|cant find (?:my |the )?(?:phone|mobile|device|it)|cannot find (?:my |the )?(?:phone|mobile|it)|tappa(?:t|de|r)? bort|borttappa(?:d|t)|forsvunnen|forsvann|forsvunnit|kan inte hitta (?:min |mitt )?(?:telefon|mobil|den)|hittar inte (?:min |mitt )?(?:telefon|mobil)|glomde (?:min |mitt )?(?:telefon|mobil)|ramlade ur|(?:sold|traded in|traded|gave away|given away|returned|handed in|recycled) (?:my |the )?old (?:one|phone|mobile|iphone|android)|traded (?:my |the )?old (?:one|phone|mobile|iphone|android) in|(?:the |my )?old (?:one|phone|mobile|iphone|android) (?:is |was |got |has been )?(?:sold|traded in|given away|returned|handed in|recycled|gone)|(?:salt|lamnat in|lamnade in|gett bort|gav bort|lamnat tillbaka|lamnade tillbaka|bytt in|bytte in) (?:den gamla|min gamla|gamla telefonen|gamla mobilen)|(?:den gamla|gamla telefonen|gamla mobilen|min gamla) (?:ar |har jag |blev |har |var )?(?:redan |ju |tyvarr )?(?:inlamnad|sald|salt|bortlamnad|aterlamnad|inbytt|borta))\b)/, true],
  ['broken', new RegExp(`\\b(?:${HANDSET} (?:is |was |got |has |just |totally |completely |ar |blev |har |helt |gick )*(?:broken|broke|smashed|cracked|shattered|dead|died|fried|bricked|water damaged|damaged|trasig|trasigt|sonder|krossad|krossades|sprack|sprucken|dog|vattenskadad)|(?:broke|smashed|cracked|shattered|dropped and broke|damaged|sabbade|krossade|tappade sonder) (?:my |the |min |mitt )?${HANDSET}|(?:broken|cracked|smashed|dead|trasig|trasiga|krossad|sprucken) ${HANDSET}|water damage|vattenskada(?:d)?|wont (?:turn|switch) on|doesnt (?:turn|switch) on|(?:fell|dropped (?:it |my phone |the phone )?)in(?:to)? (?:the )?(?:water|toilet|bath|bathtub|sea|lake|pool)|gick sonder|startar inte|gar inte att starta)\\b`), true],
  ['app_deleted', new RegExp(`\\b(?:(?:deleted|removed|uninstalled|reinstalled|wiped|lost) ${APP}|${APP} (?:is |was |got |has been )?(?:deleted|removed|uninstalled|reinstalled|wiped|gone|empty|reset)|reset (?:my |the )?phone|factory reset|(?:raderade|raderat|tog bort|tagit bort|avinstallerade|avinstallerat|installerade om|installerat om|nollstallde|aterstallde) (?:min |mitt )?(?:${APP}|telefonen|mobilen)|${APP} (?:ar|blev) (?:raderad|borta|tom|avinstallerad)|fabriksaterstall\\w*)\\b`), true],
  ['new', new RegExp(`\\b(?:new (?:phone|mobile|iphone|android|device|smartphone|samsung|pixel|cell)|(?:changed|switched|replaced|upgraded|swapped) (?:my |the )?(?:phone|mobile|device|iphone|android)s?|(?:got|bought|have|received|get) a new one|ny (?:telefon|mobil|iphone|android|smartphone|lur)|nya (?:telefonen|mobilen|iphonen|luren)|ny(?:a)? (?:samsung|pixel)|bytt(?:e)? (?:telefon|mobil|lur)|bytt(?:e)? till en ny|kopt (?:en )?ny|kopte (?:en )?ny|fatt en ny|fick en ny)\\b`), true],
];

const PLATFORMS: ReadonlyArray<[Platform, RegExp]> = [
  ['ios', /\b(?:iphone\w*|ipad\w*|ios|apple|ipod)\b/],
  ['android', /\b(?:android\w*|samsung|galaxy|pixel|huawei|xiaomi|oneplus|motorola|moto g|nokia \d+|sony xperia|fairphone|oppo|honor)\b/],
  ['other', /\b(?:windows phone|blackberry|sailfish|ubuntu touch|harmony ?os|kaios|linux phone|pinephone)\b/],
];

export function extractDevice(clauses: readonly string[]): DeviceEvent | undefined {
  for (const [event, re, negatable] of EVENTS) if (findAffirmed(clauses, re, negatable)) return event;
  return undefined;
}

export function extractPlatform(clauses: readonly string[]): Platform | undefined {
  for (const [platform, re] of PLATFORMS) if (findAffirmed(clauses, re)) return platform;
  return undefined;
}
