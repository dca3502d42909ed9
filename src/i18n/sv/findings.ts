// The findings of the checks: their one-line summaries, the advice that goes with them, and their labels. (Swedish)
import { formatMinutes, type Catalogue, type SummaryData } from '../catalogue.ts';

const names = (d: SummaryData) => (Array.isArray(d.ptr) && d.ptr.length ? d.ptr.join(', ') : 'inget namn');
/** The day of an ISO time (2026-11-01), or undefined. */
const day = (iso: unknown) => (typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : undefined);
const direction = (d: SummaryData) => (d.direction === 'ahead' ? 'före' : 'efter');

export const findings: Pick<Catalogue, 'summary' | 'advice' | 'statusLabel' | 'checkTitle'> = {
  summary: {
    'account.found': (d) => `Kontot ${d.username} finns och är aktivt.`,
    'account.missing': (d) => `Det finns inget konto som heter ${d.username}.`,
    'account.inactive': (d) =>
      d.status === 'locked'
        ? `Kontot ${d.username} är låst av lösenordspolicyn${day(d.lockedAt) ? ` sedan ${day(d.lockedAt)}` : ''}.`
        : d.status === 'expired' && day(d.expiresAt)
          ? `Kontot ${d.username} gick ut ${day(d.expiresAt)}.`
          : `Kontot ${d.username} finns men är ${d.status === 'expired' ? 'utgånget' : 'avstängt'}.`,
    'account.unavailable': () => 'Kontotjänsten svarade inte, så jag kunde inte kontrollera kontot.',
    'token.active': (d) =>
      `Din tvåfaktorstoken är aktiv.${typeof d.driftSeconds === 'number' && d.driftSeconds !== 0 ? ` Vid din senaste lyckade inloggning gick klockan i din enhet ${Math.abs(d.driftSeconds)} s ${d.driftSeconds < 0 ? 'efter' : 'före'}, enligt inloggningstjänsten.` : ''}`,
    'token.locked': (d) => `Din tvåfaktorstoken är låst efter ${d.failCount} felaktiga koder. Bara supporten kan låsa upp den.`,
    'token.pending': (d) => `Din token registrerades för ${formatMinutes(Number(d.minutesSinceRegistration), 'sv')} sedan och håller på att aktiveras.`,
    'token.pending-overdue': (d) =>
      `Din token registrerades för ${formatMinutes(Number(d.minutesSinceRegistration), 'sv')} sedan och är fortfarande inte aktiv. Det tar längre tid än det borde.`,
    'token.none': () => 'Det finns ingen tvåfaktorstoken registrerad för kontot.',
    'token.disabled': () => 'Din tvåfaktorstoken är avstängd.',
    'token.unavailable': () => 'Registreringstjänsten svarade inte, så jag kunde inte kontrollera din token.',
    'clock.ok': (d) => `Klockan i din enhet går rätt (inom ${d.amount} s).`,
    'clock.drifting': (d) => `Din enhet går ${d.amount} s ${direction(d)}. Koderna fungerar ännu, men klockan driver.`,
    'clock.skewed': (d) => `Din enhet går ${d.amount} s ${direction(d)}. Det räcker för att koderna ska misslyckas.`,
    'clock.unmeasured': () => 'Jag kunde inte mäta klockan i din enhet.',
    'code.valid': (d) => `Koden stämmer just nu.${d.consumed ? ' Kontrollen förbrukade den: vänta på nästa kod när du loggar in.' : ''}`,
    'code.stale': (d) => `Koden är gammal: den gällde för ${Math.abs(Number(d.offsetSteps)) * 30} sekunder sedan.`,
    'code.ahead': (d) => `Koden är från framtiden: den gäller om ${Number(d.offsetSteps) * 30} sekunder.`,
    'code.invalid': () => 'Koden stämmer inte med din token vid någon närliggande tidpunkt.',
    'code.unverifiable': () => 'Jag kan inte kontrollera koder just nu.',
    'network.exempt': (d) => `Din adress ${d.ip} (${names(d)}) är undantagen: ingen tvåfaktorskod behövs därifrån.`,
    'network.outside': (d) => `Din adress ${d.ip} (${names(d)}) ligger utanför de undantagna näten: tvåfaktor krävs.`,
    'network.no-ptr': (d) => `Din adress ${d.ip} saknar namn i omvänd DNS: tvåfaktor krävs.`,
    'network.mismatch': (d) =>
      `Din adress ${d.ip} har namnet ${names(d)}, men namnet pekar inte tillbaka på adressen: tvåfaktor krävs.`,
    'network.private': (d) => `Adressen ${d.ip} är privat, så jag kan inte se var du ansluter ifrån.`,
    'network.dns-error': (d) => `DNS svarade inte för ${d.ip}, så räkna med att tvåfaktor krävs.`,
  },
  advice: {
    'account.missing':
      'Du behöver ett konto hos {centre} innan du kan registrera en andra faktor. Ansök om ett via {identity_service} först.',
    'account.inactive': 'Ditt konto är inte aktivt. Förnya ditt projektmedlemskap i {identity_service}, eller kontakta supporten.',
    'token.none': 'Registrera en token: öppna {enrollment_url}, logga in med {identity_service} och skanna QR-koden.',
    'token.pending':
      'Aktiveringen tar några minuter, inte dagar. Inget mer skickas till dig: försök igen om en liten stund.',
    'token.pending-overdue': 'Det här tar längre tid än det borde. Jag föreslår att vi lämnar över till supporten.',
    'token.disabled': 'En avstängd token kan inte användas. Registrera en ny på {enrollment_url}, eller kontakta supporten.',
    'token.locked':
      'Din token är låst efter för många felaktiga koder. Bara supporten kan låsa upp den. Se till att enheten ställer in tiden automatiskt innan du försöker igen.',
    'account.inactive-locked':
      'Ditt konto är låst av lösenordspolicyn, oftast efter för många felaktiga lösenord. Supporten kan låsa upp det.',
    'account.inactive-nologin': 'Ditt konto får inte logga in just nu. Kontakta supporten för att få veta varför.',
    'account.inactive-expired': 'Ditt konto har gått ut. Förnya ditt projektmedlemskap i {identity_service}, eller kontakta supporten.',
    'clock.skewed':
      'Låt telefonen hämta tiden från nätet. Android: Inställningar > System > Datum och tid > "Ställ in tid automatiskt". iPhone: Inställningar > Allmänt > Datum och tid > "Ställ in automatiskt". Google Authenticator på Android har också Inställningar > "Tidskorrigering för koder" > "Synkronisera nu". I en datorapp: slå på automatisk tid i systeminställningarna.',
    'clock.drifting': 'Slå på automatiskt datum och tid i enheten, så att felet inte växer tills koderna slutar fungera.',
    'code.stale':
      'Koden byts var 30:e sekund. Skriv alltid koden som appen visar just nu, aldrig en som du skrev upp tidigare.',
    'code.ahead': 'Klockan i din enhet verkar gå före. Slå på automatiskt datum och tid.',
    'code.invalid':
      'Kontrollera att du läser av {centre}-posten i appen (inte en annan tjänst), och att det är den token du registrerade senast.',
    'network.outside': 'Från det här nätet behöver du din tvåfaktorskod när du loggar in.',
    'network.no-ptr':
      'Ditt nät saknar fungerande omvänd DNS, så du behöver tvåfaktor. Din internetleverantör kan rätta DNS.',
    'network.mismatch':
      'Ditt nät har trasig framåt- och bakåtuppslagning i DNS, så du behöver tvåfaktor. Din internetleverantör kan rätta DNS.',
    'network.dns-error': 'Räkna med att du behöver din tvåfaktorskod när du loggar in.',
  },
  statusLabel: { pass: 'OK', warn: 'VARNING', fail: 'FEL', unknown: '??' },
  checkTitle: { account: 'Konto', token: 'Token', clock: 'Klocka', code: 'Kod', network: 'Nätverk' },
};
