// The findings of the checks in both languages side by side: for each outcome its one-line summary
// and its advice, in English and in Swedish, so a translator reads one beside the other and a
// missing translation is a type error (and a test's failure). The labels of the report follow.
import type { CheckCode, CheckVariant } from '../ports/checks.ts';
import { formatMinutes, type Catalogue, type Lang, type PhonePlatform, type SummaryData } from './catalogue.ts';

type InBoth<T> = Record<Lang, T>;
type Summary = (d: SummaryData) => string;

/** The reverse DNS names of an address, or the words for none. */
const names = (d: SummaryData, none: string) => (Array.isArray(d.ptr) && d.ptr.length ? d.ptr.join(', ') : none);
/** The day of an ISO time (2026-11-01), or undefined. */
const day = (iso: unknown) => (typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : undefined);
/** A clock's direction in Swedish (the English sentences say `ahead` and `behind` as they come). */
const directionSv = (d: SummaryData) => (d.direction === 'ahead' ? 'före' : 'efter');

export const SUMMARIES: Record<CheckCode, InBoth<Summary>> = {
  'account.found': {
    en: (d) => `The account ${d.username} exists and is active.`,
    sv: (d) => `Kontot ${d.username} finns och är aktivt.`,
  },
  'account.missing': {
    en: (d) => `There is no account called ${d.username}.`,
    sv: (d) => `Det finns inget konto som heter ${d.username}.`,
  },
  'account.inactive': {
    en: (d) =>
      d.status === 'locked'
        ? `The account ${d.username} is locked by the password policy${day(d.lockedAt) ? ` since ${day(d.lockedAt)}` : ''}.`
        : d.status === 'expired' && day(d.expiresAt)
          ? `The account ${d.username} expired on ${day(d.expiresAt)}.`
          : `The account ${d.username} exists but is ${d.status}.`,
    sv: (d) =>
      d.status === 'locked'
        ? `Kontot ${d.username} är låst av lösenordspolicyn${day(d.lockedAt) ? ` sedan ${day(d.lockedAt)}` : ''}.`
        : d.status === 'expired' && day(d.expiresAt)
          ? `Kontot ${d.username} gick ut ${day(d.expiresAt)}.`
          : `Kontot ${d.username} finns men är ${d.status === 'expired' ? 'utgånget' : 'avstängt'}.`,
  },
  'account.unavailable': {
    en: () => 'The account service did not answer, so I could not check the account.',
    sv: () => 'Kontotjänsten svarade inte, så jag kunde inte kontrollera kontot.',
  },
  'token.active': {
    en: (d) =>
      `Your two-factor token is active.${typeof d.driftSeconds === 'number' && d.driftSeconds !== 0 ? ` At your last good login, the login service saw your device's clock ${Math.abs(d.driftSeconds)} s ${d.driftSeconds < 0 ? 'behind' : 'ahead'}.` : ''}`,
    sv: (d) =>
      `Din tvåfaktorstoken är aktiv.${typeof d.driftSeconds === 'number' && d.driftSeconds !== 0 ? ` Vid din senaste lyckade inloggning gick klockan i din enhet ${Math.abs(d.driftSeconds)} s ${d.driftSeconds < 0 ? 'efter' : 'före'}, enligt inloggningstjänsten.` : ''}`,
  },
  'token.locked': {
    en: (d) =>
      `Your two-factor token is locked after ${d.failCount} wrong codes. Only support can unlock it.`,
    sv: (d) => `Din tvåfaktorstoken är låst efter ${d.failCount} felaktiga koder. Bara supporten kan låsa upp den.`,
  },
  'token.pending': {
    en: (d) =>
      `Your token was registered ${formatMinutes(Number(d.minutesSinceRegistration), 'en')} ago and is still being activated.`,
    sv: (d) => `Din token registrerades för ${formatMinutes(Number(d.minutesSinceRegistration), 'sv')} sedan och håller på att aktiveras.`,
  },
  'token.pending-overdue': {
    en: (d) =>
      `Your token was registered ${formatMinutes(Number(d.minutesSinceRegistration), 'en')} ago and is still not active. That is longer than it should take.`,
    sv: (d) =>
      `Din token registrerades för ${formatMinutes(Number(d.minutesSinceRegistration), 'sv')} sedan och är fortfarande inte aktiv. Det tar längre tid än det borde.`,
  },
  'token.none': {
    en: () => 'No two-factor token is registered for this account.',
    sv: () => 'Det finns ingen tvåfaktorstoken registrerad för kontot.',
  },
  'token.disabled': {
    en: (d) => `Your two-factor token is ${d.state}.`,
    sv: () => 'Din tvåfaktorstoken är avstängd.',
  },
  'token.unavailable': {
    en: () => 'The enrollment service did not answer, so I could not check your token.',
    sv: () => 'Registreringstjänsten svarade inte, så jag kunde inte kontrollera din token.',
  },
  'clock.ok': {
    en: (d) => `Your device's clock is right (within ${d.amount} s).`,
    sv: (d) => `Klockan i din enhet går rätt (inom ${d.amount} s).`,
  },
  'clock.drifting': {
    en: (d) => `Your device is ${d.amount} s ${d.direction}. Codes still work, but it is drifting.`,
    sv: (d) => `Din enhet går ${d.amount} s ${directionSv(d)}. Koderna fungerar ännu, men klockan driver.`,
  },
  'clock.skewed': {
    en: (d) => `Your device is ${d.amount} s ${d.direction}. That is enough to make codes fail.`,
    sv: (d) => `Din enhet går ${d.amount} s ${directionSv(d)}. Det räcker för att koderna ska misslyckas.`,
  },
  'clock.unmeasured': {
    en: () => 'I could not measure your device clock.',
    sv: () => 'Jag kunde inte mäta klockan i din enhet.',
  },
  'code.valid': {
    en: (d) => `That code is correct for right now.${d.consumed ? ' Checking it used it up: wait for the next code when you log in.' : ''}`,
    sv: (d) => `Koden stämmer just nu.${d.consumed ? ' Kontrollen förbrukade den: vänta på nästa kod när du loggar in.' : ''}`,
  },
  'code.stale': {
    en: (d) =>
      `That code is an old one: it was valid ${Math.abs(Number(d.offsetSteps)) * 30} seconds ago.`,
    sv: (d) => `Koden är gammal: den gällde för ${Math.abs(Number(d.offsetSteps)) * 30} sekunder sedan.`,
  },
  'code.ahead': {
    en: (d) => `That code is from the future: it will be valid in ${Number(d.offsetSteps) * 30} seconds.`,
    sv: (d) => `Koden är från framtiden: den gäller om ${Number(d.offsetSteps) * 30} sekunder.`,
  },
  'code.invalid': {
    en: () => 'That code does not match your token at any nearby time.',
    sv: () => 'Koden stämmer inte med din token vid någon närliggande tidpunkt.',
  },
  'code.unverifiable': {
    en: () => 'I cannot check codes right now.',
    sv: () => 'Jag kan inte kontrollera koder just nu.',
  },
  'network.exempt': {
    en: (d) => `Your address ${d.ip} (${names(d, 'no name')}) is exempt: no two-factor code is needed from there.`,
    sv: (d) => `Din adress ${d.ip} (${names(d, 'inget namn')}) är undantagen: ingen tvåfaktorskod behövs därifrån.`,
  },
  'network.outside': {
    en: (d) => `Your address ${d.ip} (${names(d, 'no name')}) is outside the exempt networks: two-factor is required.`,
    sv: (d) => `Din adress ${d.ip} (${names(d, 'inget namn')}) ligger utanför de undantagna näten: tvåfaktor krävs.`,
  },
  'network.no-ptr': {
    en: (d) => `Your address ${d.ip} has no reverse DNS name: two-factor is required.`,
    sv: (d) => `Din adress ${d.ip} saknar namn i omvänd DNS: tvåfaktor krävs.`,
  },
  'network.mismatch': {
    en: (d) =>
      `Your address ${d.ip} has the name ${names(d, 'no name')}, but that name does not point back to it: two-factor is required.`,
    sv: (d) =>
      `Din adress ${d.ip} har namnet ${names(d, 'inget namn')}, men namnet pekar inte tillbaka på adressen: tvåfaktor krävs.`,
  },
  'network.private': {
    en: (d) => `The address ${d.ip} is a private one, so I cannot tell where you connect from.`,
    sv: (d) => `Adressen ${d.ip} är privat, så jag kan inte se var du ansluter ifrån.`,
  },
  'network.dns-error': {
    en: (d) => `DNS did not answer for ${d.ip}, so assume two-factor is required.`,
    sv: (d) => `DNS svarade inte för ${d.ip}, så räkna med att tvåfaktor krävs.`,
  },
};

export const ADVICE: Partial<Record<CheckCode | CheckVariant, InBoth<string>>> = {
  'account.missing': {
    en:
      'You need a {centre} account before you can register a second factor. Apply for one through {identity_service} first.',
    sv:
      'Du behöver ett konto hos {centre} innan du kan registrera en andra faktor. Ansök om ett via {identity_service} först.',
  },
  'account.inactive': {
    en:
      'Your account is not active, so it cannot log in, with or without a code: the codes are not the problem. Renew your project membership in {identity_service}, or ask support why it is not active.',
    sv: 'Ditt konto är inte aktivt, så det kan inte logga in, med eller utan kod: det är inte koderna som är problemet. Förnya ditt projektmedlemskap i {identity_service}, eller fråga supporten varför det inte är aktivt.',
  },
  'token.none': {
    en: 'Register a token: open {enrollment_url}, log in with {identity_service} and scan the QR code.',
    sv: 'Registrera en token: öppna {enrollment_url}, logga in med {identity_service} och skanna QR-koden.',
  },
  'token.pending': {
    en:
      'Activation takes a few minutes, not days. Nothing more will be sent to you: just try again in a little while.',
    sv:
      'Aktiveringen tar några minuter, inte dagar. Inget mer skickas till dig: försök igen om en liten stund.',
  },
  'token.pending-overdue': {
    en:
      'This is taking longer than it should. I suggest handing this to the support team.',
    sv: 'Det här tar längre tid än det borde. Jag föreslår att vi lämnar över till supporten.',
  },
  'token.disabled': {
    en: 'A disabled token has been switched off: none of its codes are accepted, however right they are, and waiting does not change that. Support can tell you why and switch it on again; you can also register a new token at {enrollment_url}.',
    sv: 'En avstängd token är avslagen: inga av dess koder godtas, hur rätt de än är, och det hjälper inte att vänta. Supporten kan berätta varför och slå på den igen; du kan också registrera en ny token på {enrollment_url}.',
  },
  'token.locked': {
    en:
      'Your token is locked after too many wrong codes. Only support can unlock it. Before you try again, make sure your device sets its time automatically.',
    sv:
      'Din token är låst efter för många felaktiga koder. Bara supporten kan låsa upp den. Se till att enheten ställer in tiden automatiskt innan du försöker igen.',
  },
  'account.inactive-locked': {
    en:
      'Your account is locked by the password policy, usually after too many wrong passwords. Support can unlock it.',
    sv:
      'Ditt konto är låst av lösenordspolicyn, oftast efter för många felaktiga lösenord. Supporten kan låsa upp det.',
  },
  'account.inactive-nologin': {
    en: 'Your account may not log in right now. Contact support to find out why.',
    sv: 'Ditt konto får inte logga in just nu. Kontakta supporten för att få veta varför.',
  },
  'account.inactive-expired': {
    en: 'Your account has expired, so it cannot log in, with or without a code: the codes are not the problem. It is active again once you are a member of an active project: renew the membership in {identity_service} (the project\'s PI can add you), or ask support what is missing.',
    sv: 'Ditt konto har gått ut, så det kan inte logga in, med eller utan kod: det är inte koderna som är problemet. Det blir aktivt igen när du är medlem i ett aktivt projekt: förnya medlemskapet i {identity_service} (projektets PI kan lägga till dig), eller fråga supporten vad som saknas.',
  },
  'clock.skewed': {
    en:
      'Set your phone to take the time from the network. Android: Settings > System > Date & time > "Set time automatically". iPhone: Settings > General > Date & Time > "Set Automatically". Google Authenticator on Android also has Settings > "Time correction for codes" > "Sync now". On a computer authenticator, turn on automatic time in the system settings.',
    sv:
      'Låt telefonen hämta tiden från nätet. Android: Inställningar > System > Datum och tid > "Ställ in tid automatiskt". iPhone: Inställningar > Allmänt > Datum och tid > "Ställ in automatiskt". Google Authenticator på Android har också Inställningar > "Tidskorrigering för koder" > "Synkronisera nu". I en datorapp: slå på automatisk tid i systeminställningarna.',
  },
  'clock.drifting': {
    en:
      'Turn on automatic date and time on your device, so the drift does not grow until codes fail.',
    sv: 'Slå på automatiskt datum och tid i enheten, så att felet inte växer tills koderna slutar fungera.',
  },
  'code.stale': {
    en:
      'The code changes every 30 seconds. Always type the code your app shows right now, never one you noted down earlier.',
    sv:
      'Koden byts var 30:e sekund. Skriv alltid koden som appen visar just nu, aldrig en som du skrev upp tidigare.',
  },
  'code.ahead': {
    en: 'Your device clock seems to run fast. Turn on automatic date and time.',
    sv: 'Klockan i din enhet verkar gå före. Slå på automatiskt datum och tid.',
  },
  'code.invalid': {
    en:
      'Make sure you read the {centre} entry in your app (not another service), and that it is the token you registered most recently.',
    sv:
      'Kontrollera att du läser av {centre}-posten i appen (inte en annan tjänst), och att det är den token du registrerade senast.',
  },
  'network.outside': {
    en: 'From this network you need your two-factor code when you log in.',
    sv: 'Från det här nätet behöver du din tvåfaktorskod när du loggar in.',
  },
  'network.no-ptr': {
    en:
      'Your network has no working reverse DNS, so you need two-factor. Your internet provider can fix the DNS.',
    sv:
      'Ditt nät saknar fungerande omvänd DNS, så du behöver tvåfaktor. Din internetleverantör kan rätta DNS.',
  },
  'network.mismatch': {
    en:
      'Your network has broken forward and reverse DNS, so you need two-factor. Your internet provider can fix the DNS.',
    sv:
      'Ditt nät har trasig framåt- och bakåtuppslagning i DNS, så du behöver tvåfaktor. Din internetleverantör kan rätta DNS.',
  },
  'network.dns-error': {
    en: 'Assume you need your two-factor code when you log in.',
    sv: 'Räkna med att du behöver din tvåfaktorskod när du loggar in.',
  },
};

/**
 * Advice for one kind of phone, said in place of the general advice when the person said which
 * phone they have (the `platform` slot): the same settings as the general text, only theirs.
 */
export const PLATFORM_ADVICE: Record<PhonePlatform, Partial<Record<CheckCode, InBoth<string>>>> = {
  android: {
    'clock.skewed': {
      en: 'On your Android phone: Settings > System > Date & time > turn on "Set time automatically". In Google Authenticator you can also use Settings > "Time correction for codes" > "Sync now".',
      sv: 'I din Android-telefon: Inställningar > System > Datum och tid > slå på "Ställ in tid automatiskt". I Google Authenticator kan du också välja Inställningar > "Tidskorrigering för koder" > "Synkronisera nu".',
    },
    'clock.drifting': {
      en: 'On your Android phone: Settings > System > Date & time > turn on "Set time automatically", so the drift does not grow until codes fail.',
      sv: 'I din Android-telefon: Inställningar > System > Datum och tid > slå på "Ställ in tid automatiskt", så att felet inte växer tills koderna slutar fungera.',
    },
  },
  ios: {
    'clock.skewed': {
      en: 'On your iPhone: Settings > General > Date & Time > turn on "Set Automatically".',
      sv: 'I din iPhone: Inställningar > Allmänt > Datum och tid > slå på "Ställ in automatiskt".',
    },
    'clock.drifting': {
      en: 'On your iPhone: Settings > General > Date & Time > turn on "Set Automatically", so the drift does not grow until codes fail.',
      sv: 'I din iPhone: Inställningar > Allmänt > Datum och tid > slå på "Ställ in automatiskt", så att felet inte växer tills koderna slutar fungera.',
    },
  },
};

export const STATUS_LABELS: Record<keyof Catalogue['statusLabel'], InBoth<string>> = {
  pass: { en: 'OK', sv: 'OK' },
  warn: { en: 'WARN', sv: 'VARNING' },
  fail: { en: 'FAIL', sv: 'FEL' },
  unknown: { en: '??', sv: '??' },
};

export const CHECK_TITLES: Record<keyof Catalogue['checkTitle'], InBoth<string>> = {
  account: { en: 'Account', sv: 'Konto' },
  token: { en: 'Token', sv: 'Token' },
  clock: { en: 'Clock', sv: 'Klocka' },
  code: { en: 'Code', sv: 'Kod' },
  network: { en: 'Network', sv: 'Nätverk' },
};

/** One language's column of a table. */
function column<K extends string, T>(table: Partial<Record<K, InBoth<T>>>, lang: Lang): Record<K, T> {
  const out = {} as Record<K, T>;
  for (const [key, texts] of Object.entries(table) as Array<[K, InBoth<T>]>) out[key] = texts[lang];
  return out;
}

/** The findings' part of one language's catalogue. */
export function findingsIn(lang: Lang): Pick<Catalogue, 'summary' | 'advice' | 'platformAdvice' | 'statusLabel' | 'checkTitle'> {
  return {
    summary: column(SUMMARIES, lang),
    advice: column(ADVICE, lang),
    platformAdvice: { android: column(PLATFORM_ADVICE.android, lang), ios: column(PLATFORM_ADVICE.ios, lang) },
    statusLabel: column(STATUS_LABELS, lang),
    checkTitle: column(CHECK_TITLES, lang),
  };
}
