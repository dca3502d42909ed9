import { formatMinutes, type Catalogue, type SummaryData } from './catalogue.ts';

const names = (d: SummaryData) => (Array.isArray(d.ptr) && d.ptr.length ? d.ptr.join(', ') : 'inget namn');
const direction = (d: SummaryData) => (d.direction === 'ahead' ? 'före' : 'efter');

export const sv: Catalogue = {
  system: {
    greeting:
      'Hej! Jag är {centre}:s hjälp för tvåfaktorsinloggning. Beskriv problemet med några ord, eller välj ett ämne.',
    menu_prompt: 'Vad behöver du hjälp med?',
    not_understood: 'Jag förstår inte riktigt. Välj ett av de här ämnena:',
    pick_one: 'Den knappen hör till en tidigare fråga. Så här långt har vi kommit:',
    same_code_again:
      'Det är samma kod som du skrev förut, så den kan inte fungera nu: koden byts var 30:e sekund, och en kod från installationen fungerar aldrig igen. Skriv koden som appen visar just nu.',
    nothing_to_skip: 'Det finns inget att hoppa över här.',
    ip_help:
      'Öppna {public_url}/ip i en webbläsare på datorn du loggar in från, eller kör: curl {public_url}/ip. Där syns adressen och om tvåfaktor behövs därifrån. Skriv sedan adressen här, eller "hoppa över".',
    username_help:
      'Ditt användarnamn hos {centre} står i mejlet du fick när kontot skapades, och i {identity_service} under dina konton. E-postadressen på kontot fungerar också. Eller skriv "hoppa över".',
    code_help:
      'Öppna autentiseringsappen och leta upp {centre}: koden är de 6 siffrorna under, och den byts var 30:e sekund. Eller skriv "hoppa över".',
    time_help:
      'Titta på klockan på telefonens låsskärm eller i inställningarna, och skriv den med sekunder, som 14:32:05. Eller skriv "hoppa över".',
    text_help: 'Ett par meningar med egna ord räcker: vad du försökte och vad som hände.',
    pick_help: 'Välj det som passar bäst; om inget gör det, välj "Prata med en person".',
    nothing_sent_note:
      'Inget skickas till dig, varken via sms eller mejl: autentiseringsappen skapar koderna själv, en ny var 30:e sekund.',
    first_code_note:
      'Den första koden du såg när du ställde in appen fungerade bara just då. En kod gäller i ungefär 30 sekunder: skriv alltid den som appen visar i stunden.',
    welcome: 'Varsågod. Lycka till med inloggningen!',
    clarify_choice: 'Jag är inte säker på att jag förstod. {question} De svar som ligger närmast:',
    out_of_scope:
      'Jag kan bara hjälpa till med tvåfaktorsinloggning. För andra frågor (jobb, lagring, program), se {support_url}.',
    empty_input: 'Jag fick ett tomt meddelande. Skriv några ord, eller siffran för ett alternativ.',
    too_long: 'Meddelandet var väldigt långt, så jag läste bara de första {limit} tecknen.',
    unprintable: 'Jag kunde inte läsa meddelandet: det innehåller ingen läsbar text. Skriv det igen.',
    secret_warning:
      'Se upp: det där ser ut som en tvåfaktorshemlighet eller en registreringslänk. Dela den aldrig med någon, inte ens supporten. Jag har inte sparat den. Har du delat den någon annanstans: registrera en ny token.',
    apology:
      'Förlåt, något gick fel hos mig. Skriv "människa" för att nå supporten, eller använd supportformuläret: {support_url}',
    expired: 'Ditt förra samtal har legat orört länge, så vi börjar om.',
    welcome_back: 'Välkommen tillbaka! Vi var mitt i det här:',
    ended: 'Något mer? Skriv "meny" för att börja om, eller "människa" för att nå en person.',
    ended_hint: 'Det här samtalet är avslutat. Skriv "meny" för att börja ett nytt.',
    escalated:
      'Jag har lämnat över ärendet till {centre}:s support, med vårt samtal och det jag hittade. Ditt referensnummer är {ticket}. De svarar via e-post; du kan också skriva till {support_email} och ange referensen.',
    escalated_urgent:
      'Jag har markerat ärendet som BRÅDSKANDE för {centre}:s support, med vårt samtal och det jag hittade. Ditt referensnummer är {ticket}. Godkänn ingenting du inte själv har startat innan de svarat.',
    escalation_failed:
      'Jag kunde inte skapa ett ärende just nu. Använd supportformuläret på {support_url} eller skriv till {support_email}.',
    bad_code_format: 'En kod är de 6 siffror som appen visar just nu (mellanslag går bra). Skriv den igen.',
    bad_time_format: 'Skriv tiden som telefonen visar, till exempel 14:32:05 (timmar:minuter:sekunder), eller "hoppa över".',
    bad_ip: 'Det är ingen IP-adress. Skriv en adress som 192.0.2.10 eller 2001:db8::1, eller "hoppa över".',
    bad_username: 'Ett användarnamn består av bokstäver, siffror, punkter, bindestreck eller understreck (eller en e-postadress). Försök igen.',
    checking: 'Kontrollerar {what}…',
    findings: 'Det här hittade jag:',
    commands_hint: 'Du kan när som helst skriva "meny" för att börja om eller "människa" för att nå en person.',
    proof_sent:
      'För att skydda kontona pratar jag bara om ett konto med dess ägare. Om det finns ett konto med det namnet är ett mejl med en bekräftelsekod (som KXTR-PMWB) på väg till adressen på kontot. Skriv koden här när den kommer. Du kan också skriva "hoppa över" för att gå vidare med de allmänna kontrollerna.',
    proof_wrong: 'Det är inte koden från mejlet. Kontrollera den och skriv den igen, eller skriv "hoppa över" för att fortsätta utan den.',
    proof_expired: 'Koden har gått ut. Skriv ditt användarnamn igen så skickar jag en ny.',
    proof_locked: 'Det blev för många felaktiga koder, så koden fungerar inte längre. Skriv ditt användarnamn igen för att få en ny, eller "hoppa över".',
    proven: 'Tack, du är verifierad som {user}.',
  },
  shared: {
    yes: 'Ja',
    no: 'Nej',
    did_it_help: 'Löste det problemet?',
    back_to_menu: 'Något annat',
    talk_to_human: 'Prata med en person',
    skip: 'Hoppa över',
  },
  summary: {
    'account.found': (d) => `Kontot ${d.username} finns och är aktivt.`,
    'account.missing': (d) => `Det finns inget konto som heter ${d.username}.`,
    'account.inactive': (d) => `Kontot ${d.username} finns men är ${d.status === 'expired' ? 'utgånget' : 'avstängt'}.`,
    'account.unavailable': () => 'Kontotjänsten svarade inte, så jag kunde inte kontrollera kontot.',
    'token.active': () => 'Din tvåfaktorstoken är aktiv.',
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
    'code.valid': () => 'Koden stämmer just nu.',
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
  mail: {
    proof_subject: '{centre}: din bekräftelsekod {code}',
    proof_body:
      'Någon har frågat {centre}:s tvåfaktorshjälp om det här kontot {where}, {when} UTC{from}.\n\nOm det var du: skriv den här koden i samma samtal för att fortsätta:\n\n    {code}\n\nKoden fungerar en gång, i {minutes} minuter. Skriv den bara i chatten som du själv har startat; supporten kommer aldrig att be dig om den.\n\nOm det inte var du kan du bortse från mejlet och meddela supporten på {support_email}. Ingenting om ditt konto har visats för någon.\n',
    where_web: 'på supportwebbsidan',
    where_discord: 'i Discord',
    where_slack: 'i Slack',
    where_terminal: 'i en terminalchatt',
    where_other: 'i en chatt',
    from_address: ', från adressen {ip}',
  },
};
