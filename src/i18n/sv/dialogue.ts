// What the bot says in a conversation, and the lines every flow shares. (Swedish)
import { type Catalogue } from '../catalogue.ts';

export const dialogue: Pick<Catalogue, 'system' | 'shared'> = {
  system: {
    taking_username: 'Jag tittar på {user}. (Inte du? Skriv bara ditt användarnamn.)',
    username_corrected: 'Tack, då tittar jag på {user} i stället.',
    value_corrected: 'Tack, då använder jag {value} i stället för det du skrev förut, och kontrollerar igen.',
    code_not_the_problem: 'Koden kan mycket väl vara rätt: det jag hittade gör att ingen kod kan fungera just nu.',
    found_so_far: 'Det här har jag hittat än så länge:',
    found_all_fine: 'Allt jag kan kontrollera är i ordning. Det som återstår kan ingen av mina kontroller se: ditt lösenord, användarnamnet du loggar in med, och att du loggar in hos {centre}. Stämmer det också kan en person titta vidare.',
    username_noted: 'Tack, då vet jag att ditt användarnamn är {user}.',
    platform_corrected: 'Tack, då vet jag att din telefon är {phone}.',
    phone_ios: 'en iPhone',
    phone_android: 'en Android-telefon',
    phone_other: 'varken en iPhone eller en Android-telefon',
    code_not_username:
      'Det där ser ut som en kod från appen, inte ett användarnamn: jag använder den när vi kommer till koden. Vad är först ditt användarnamn (eller e-postadressen på ditt konto)?',
    handover_wait:
      'Ditt ärende ligger hos {centre}:s support (referens {ticket}). {reach} Det du skriver här hamnar i samma ärende.',
    handover_wait_again: 'Som jag skrev nyss: ditt ärende {ticket} ligger hos supporten, och det du skriver här hamnar i det.',
    how_long:
      'Att aktivera en nyregistrerad token tar minuter, inte dagar, och under tiden behöver du inte göra något. Ett ärende hos supporten på {centre} får oftast svar inom {response_time}.',
    ticket_status_new: 'Ditt ärende {ticket} ligger hos supporten, men ingen har tagit det ännu. De brukar svara inom {response_time}.',
    ticket_status_open: 'Någon på supporten arbetar med ditt ärende {ticket}.',
    ticket_status_waiting: 'Ditt ärende {ticket} är vilande hos supporten: de väntar på något, kanske på svar från dig.',
    ticket_status_resolved: 'Supporten har markerat ditt ärende {ticket} som löst. Fungerar det ändå inte, skriv det här så lägger jag till det i ärendet.',
    handover_closing: 'Varsågod. Ditt referensnummer är {ticket} om du behöver det.',
    handover_nothing_more: 'Då finns det inget mer att göra här just nu: ditt ärende {ticket} ligger hos supporten.',
    handover_solved:
      'Vad bra att det fungerar nu! Jag har meddelat supporten i ditt ärende {ticket} att det är löst, så att de kan stänga det.',
    followup_code_hint: 'Jag tittar på din token igen och lägger till det jag hittar i ditt ärende. Skriver du koden som appen visar just nu kontrollerar jag den också.',
    handover_cancelled: 'Okej, jag har inte skickat något till supporten.',
    followup_added: 'Jag har lagt till det i ditt ärende {ticket}, så att supporten ser det tillsammans med resten.',
    out_of_scope_password:
      'Jag hjälper bara till med tvåfaktorsinloggningen, inte med lösenord. För att välja eller återställa ditt lösenord hos {centre}, gå till {password_help_url}.',
    out_of_scope_jobs:
      'Jag hjälper bara till med tvåfaktorsinloggningen. Frågor om jobb och kön ställer du till {centre}:s support på {support_url}.',
    out_of_scope_cluster_down:
      'Jag hjälper bara till med tvåfaktorsinloggningen. Om {centre} ligger nere eller har underhåll ser du på {status_url}.',
    greeting:
      'Hej! Jag är {centre}:s hjälp för tvåfaktorsinloggning. Beskriv problemet med några ord, eller välj ett ämne. (Vad jag sparar om dig, och hur länge: {privacy_url})',
    menu_prompt: 'Vad behöver du hjälp med?',
    not_understood: 'Jag förstår inte riktigt. Välj ett av de här ämnena:',
    pick_one: 'Den knappen hör till en tidigare fråga. Så här långt har vi kommit:',
    same_code_again:
      'Det är samma kod som du skrev förut, så den kan inte fungera nu: koden byts var 30:e sekund. Skriv den som appen visar just nu.',
    watch_started:
      'Bra: jag säger till här så fort din token är aktiv, i upp till ett dygn. Skriv "sluta" om du inte längre vill det.',
    watch_already: 'Jag bevakar redan din token och säger till här när den är aktiv.',
    watch_stopped: 'Jag har slutat bevaka din token: du får inget mer om den från mig.',
    watch_none: 'Jag bevakade inget åt dig.',
    watch_active: 'Din token är aktiv nu. Logga in med koden som appen visar just då.',
    watch_overdue:
      'Din token har väntat längre än den borde, så jag har lämnat över den till supporten (referens {ticket}). Jag säger ändå till här när den blir aktiv.',
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
    knowledge_source: 'Källa: {centre}',
    knowledge_offer: 'Vill du ha hjälp med det här också, eller med något annat?',
    clarify_topic: 'Det där kan betyda två saker. Vilket stämmer bäst?',
    knowledge_unknown:
      'Det vet jag inte, och jag vill inte gissa. Sidan om tvåfaktor hos {centre} kanske tar upp det: {setup_guide_url}. Annars kan någon på supporten svara: skriv "en person".',
    knowledge_unknown_offer: 'Ska jag skicka frågan vidare till en person, eller gäller det något annat?',
    takeover_heading: 'Någon annan på mitt konto',
    takeover_again:
      'Supporten har redan det här som brådskande (ärende {ticket}). Byt ditt lösenord i {identity_service} och ditt lösenord hos {centre} medan du väntar på svar.',
    welcome: 'Varsågod.',
    repair_cancelled: 'Okej, jag släpper det. Inget har skickats. Skriv igen när du vill ta upp det.',
    repair_nothing_to_cancel: 'Det pågår inget att avbryta.',
    resume: 'Då fortsätter vi där vi var:',
    repair_chitchat: 'Jag är {centre}-helpdeskens assistent, ett program: jag kan kontrollera ditt konto, din token, telefonens klocka och koder, och lämna över dig till supporten.',
    repair_done: 'Bra. Skriv igen om något annat dyker upp.',
    repair_unsure: 'Du behöver inte vara säker: välj det svar som passar bäst. Passar inget, skriv "människa" så tittar en person på det med dig.',
    repair_question_back: 'Det kan jag inte svara på själv, och jag vill inte gissa; en person på supporten kan (skriv "människa"). Frågan var:',
    feedback_ask: 'Hjälpte det här?',
    feedback_yes: '👍 Ja',
    feedback_no: '👎 Nej',
    feedback_comment: 'Tack! Skriv gärna en mening om vad som hjälpte eller inte, eller fortsätt bara som vanligt.',
    feedback_thanks: 'Tack! Supporten läser sådana svar för att göra helpdesken bättre.',
    closing_again: 'Ha det bra.',
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
    not_saved: 'Jag kunde inte spara samtalet just nu (helpdesken har ont om utrymme eller så svarar inte databasen). Jag har kvar det här och sparar det med ditt nästa meddelande; går inte det heller, använd supportformuläret: {support_url}',
    welcome_back: 'Välkommen tillbaka! Vi var mitt i det här:',
    ended: 'Något mer? Skriv "meny" för att börja om, eller "människa" för att nå en person.',
    ended_hint: 'Det här samtalet är avslutat. Berätta med några ord vad som är fel så börjar vi om, eller skriv "människa" för att nå en person.',
    ended_next: 'Okej. Om det fortfarande inte fungerar kan du skriva här igen och berätta vad du ser, eller skriva "människa" för att nå en person.',
    escalated:
      'Jag har lämnat över ärendet till {centre}:s support, med vårt samtal och det jag hittade. Ditt referensnummer är {ticket}. {reach}',
    escalated_urgent:
      'Jag har markerat ärendet som BRÅDSKANDE för {centre}:s support, med vårt samtal och det jag hittade. Ditt referensnummer är {ticket}. {reach}',
    reach_ask:
      'Innan jag lämnar över: hur kan supporten nå dig? Skriv din e-postadress, eller välj "Här i chatten". (En adress som skrivs här kan jag inte bekräfta, så dit skickas inget annat än ditt referensnummer.)',
    reach_here_label: 'Här i chatten',
    reach_email: 'De svarar via e-post till din bekräftade adress, oftast inom {response_time}; du kan också skriva till {support_email} och ange referensen.',
    reach_email_kept: 'De har din bekräftade e-postadress och svarar oftast inom {response_time}; du kan också skriva till {support_email} och ange referensen.',
    reach_unproven:
      'Jag har lämnat vidare {contact}, markerad som obekräftad, så dit skickas inget annat än ditt referensnummer. De svarar oftast inom {response_time}; du kan också skriva till {support_email} och ange referensen.',
    reach_here: 'Kom tillbaka hit och fråga "något nytt?" när du vill, så berättar jag hur det går med ärendet. De brukar ta hand om det inom {response_time}.',
    reach_none:
      'Jag har ingen bekräftad e-postadress till dig, så de kan inte skriva till dig: mejla {support_email} från din egen adress och ange referensen, så svarar de dig där, oftast inom {response_time}.',
    escalation_failed:
      'Jag kunde inte skapa ett ärende just nu. Använd supportformuläret på {support_url} eller skriv till {support_email}.',
    bad_code_format: 'En kod är de 6 siffror som appen visar just nu (mellanslag går bra). Skriv den igen.',
    bad_time_format: 'Jag kunde inte läsa någon tid i det där. Skriv bara tiden.',
    bad_ip: 'Det är ingen IP-adress. Skriv en adress som 192.0.2.10 eller 2001:db8::1, eller "hoppa över".',
    bad_username: 'Ett användarnamn består av bokstäver, siffror, punkter, bindestreck eller understreck (eller en e-postadress). Försök igen.',
    checking: 'Kontrollerar {what}…',
    findings: 'Det här hittade jag:',
    step_of: 'Steg {at} av {of}',
    picture_scan_qr: 'En telefon vars kamera riktas mot en QR-kod på en datorskärm',
    picture_code_entry: 'Ett fält för koden med sex siffror inskrivna, och en knapp för att bekräfta',
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
    // Sägs när kontots fakta väljer ett annat ämne än orden gjorde: varför, på en rad.
    facts_no_account: 'Du har inget konto ännu, så tvåfaktor kan inte ställas in: kontot kommer först.',
    facts_inactive: 'Ditt konto är inte aktivt, så tvåfaktor kan inte ställas in förrän det är det.',
    facts_no_token: 'Du har ingen token ännu, så vi ställer in en från början.',
    facts_disabled: 'Din gamla token är avstängd, så vi ställer in en ny från början.',
    facts_pending: 'Din token är redan registrerad och väntar på aktivering, så det finns inget mer att ställa in.',
    facts_no_account_login: 'Du har inget konto ännu, så du kan inte logga in, var du än är: kontot kommer först.',
    facts_inactive_login: 'Ditt konto är inte aktivt, så du kan inte logga in med det, var du än är, förrän det är aktivt igen: det kommer först.',
    facts_disabled_login: 'Din token är avstängd, så ingen kod godtas varifrån du än loggar in: det kommer först.',
    facts_active: 'Du har ett konto och en aktiv token, så det som inte fungerar är koden: vi tittar på den.',
  },
};
