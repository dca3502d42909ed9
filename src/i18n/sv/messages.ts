// Mails (the proof code, the activation notice) and the lines of the chat platforms. (Swedish)
import { type Catalogue } from '../catalogue.ts';

export const messages: Pick<Catalogue, 'mail' | 'channel'> = {
  mail: {
    proof_subject: '{centre}: din bekräftelsekod',
    proof_body:
      'Någon har frågat {centre}:s tvåfaktorshjälp om det här kontot {where}, {when} UTC{from}.\n\nOm det var du: skriv den här koden i samma samtal för att fortsätta:\n\n    {code}\n\nKoden fungerar en gång, i {minutes} minuter. Skriv den bara i chatten som du själv har startat; supporten kommer aldrig att be dig om den.\n\nOm det inte var du kan du bortse från mejlet och meddela supporten på {support_email}. Ingenting om ditt konto har visats för någon.\n',
    held_back_subject: '{centre}: bekräftelsekoder till ditt konto hålls inne',
    held_back_body:
      'Tvåfaktorhjälpen på {centre} har blivit ombedd att skicka bekräftelsekoder för det här kontot oftare än den skickar dem, från ställen där kontot inte har bekräftats tidigare (senast {where}, {when} UTC{from}).\n\nFram till i morgon skickas inga fler koder för sådana förfrågningar. Där du har skrivit in en av våra koder tidigare får du koder som vanligt. Om det var du som frågade från ett nytt ställe, skriv till supporten på {support_email}.\n\nOm det inte var du behöver du inte göra något: ingen har fått se något om ditt konto. Det här är det enda mejlet om saken i dag.\n',
    active_subject: '{centre}: din tvåfaktorstoken är aktiv',
    active_body:
      'Din nya tvåfaktorstoken hos {centre} är aktiv nu: logga in, och skriv koden som appen visar just då när du blir tillfrågad.\n\nDu bad hjälpen att säga till; det här är det enda mejlet om saken.\n',
    where_other: 'i en chatt',
    from_address: ', från adressen {ip}',
  },
  channel: {
    refusal: 'Tyvärr, diagnostiken är till för supporten. Behöver du hjälp med tvåfaktor, använd {command} i {platform}.',
    home_title: '{centre}:s hjälp för tvåfaktor',
    home_intro: 'Vad behöver du hjälp med? Välj ett ämne, eller skicka ett direktmeddelande med egna ord (svenska eller engelska). {command} fungerar överallt.',
    never_share: 'Hjälpen ber aldrig om ditt lösenord, din tvåfaktorshemlighet eller QR-koden. Den kan be om en kod som redan är förbrukad.',
    clock_button: 'Kontrollera telefonens klocka',
    one_moment: 'Ett ögonblick…',
    no_profile_email: 'Den Slack-användaren har ingen e-postadress i sin profil; ange användarnamnet i stället.',
    not_an_ip: '"{what}" är ingen IP-adress.',
    diagnose_usage: 'Så här: {command} @användare|användarnamn|e-post [ip]',
    latest_conversation: 'Senaste samtalet med {who}:',
    no_conversation: 'Inget samtal med {who} finns sparat.',
    ticket_opened: 'Ärende {reference} öppnat för {who}.',
    thread_opened: 'Jag har öppnat en privat tråd åt oss: {thread}',
    dm_sent: 'Jag har skickat ett direktmeddelande till dig, så att allt om ditt konto stannar mellan oss.',
    something_wrong: 'Förlåt, något gick fel. Försök igen, eller använd supportformuläret: {support_url}',
    staff_ticket_note: 'Öppnat av {platform}-personalen {staff} via /2fa-diagnose.',
  },
};
