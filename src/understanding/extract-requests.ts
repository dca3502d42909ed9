// What a message asks for besides its topic: a person ("I'd rather talk to a real person"), a
// report that someone else registered a token ("a mail says a token was registered, it was NOT
// me"), or something the helpdesk does not do (a password, the job queue, the cluster being down).
import type { OutOfScope } from '../ports/understanding.ts';
import { findAffirmed } from './clauses.ts';

export type { OutOfScope };

const HUMAN = /\b(?:(?:talk|speak|chat|write) (?:to|with) (?:a |an |some |the )?(?:real |actual |live )?(?:person|human|someone|somebody|staff|support|agent|operator|people|admin|administrator)|(?:real|actual|live) (?:person|human|people)|human being|a human|(?:get|give|want|need|connect) me (?:to |with )?(?:a |an )?(?:real )?(?:person|human|someone|staff|support)|escalate|open a ticket|file a ticket|create a ticket|contact (?:the )?support|(?:prata|tala|snacka|chatta) med (?:en |nagon |ett )?(?:riktig |verklig )?(?:person|manniska|nagon|personal|support(?:en)?|handlaggare|admin)|(?:prata|tala|snacka|chatta) med (?:nagon|nan) (?:pa|fran|i) (?:support(?:en)?|helpdesk(?:en)?|uppmax|servicedesk(?:en)?)|riktig (?:person|manniska)|(?:en |nagon )?manniska|koppla (?:mig )?(?:till|vidare)|skapa ett arende|kontakta support(?:en)?)\b/;

const TOKEN_EVENT = /\b(?:token|tokens|2fa|two factor|second factor|tvafaktor|authenticator|registered|registration|registrerad|registrerat|registrering(?:en)?|mail|email|e mail|mejl(?:et)?|meddelande|notification|notice|confirmation|bekraftelse)\b/;
/** Denials that only make sense about something that happened: a token event must be named too. */
const NOT_ME = /^(?:not me|not by me|inte jag|inte av mig)$|\b(?:(?:that|which) i (?:didnt|did not|never|havent|have not) (?:do|did|make|made|ask for|asked for|request|requested|register|registered|set up|add|added)|i (?:didnt|did not|never) ask(?:ed)? for|som jag (?:inte|aldrig) (?:har )?(?:gjort|registrerat|bett om|begart|lagt till|skapat|beställt|bestallt)|(?:it |that |this )?(?:was |wasnt |is |isnt )?not (?:me|by me|mine)|(?:it |that |this )?wasnt me|not done by me|didnt do (?:that|this|it)|not my (?:token|doing|registration)|(?:some ?one|somebody) else (?:has |must have |might have |may have |probably )?(?:registered|added|set|created|did|done|enrolled|used)|(?:det )?var inte jag|inte jag som|inte av mig|nagon annan (?:har |maste ha |kan ha )?(?:registrerat|lagt|skapat|gjort|lade|registrerade))\b/;
/** "I never registered": a takeover only beside a notice ("a mail says…"), else it is someone new. */
const NEVER_DID = /\b(?:i never (?:registered|did|set|asked|requested|made|added|enrolled)|i didnt (?:register|set|ask|request|add|make|enroll)|i have not (?:registered|set|requested|added)|i havent (?:registered|set|requested|added)|jag har (?:inte|aldrig) (?:registrerat|lagt till|begart|bett om)|jag (?:registrerade|begarde|lade till) (?:inte|aldrig))\b/;
const NOTICE = /\b(?:mail|email|e mail|mejl(?:et)?|meddelande(?:t)?|notification|notice|confirmation|bekraftelse(?:n)?|says|said|told me|informs?|sms|star det|stod det|fick)\b/;
const TOKEN_WITHOUT_ME = /\b(?:token|tvafaktor|2fa)\b.*\b(?:registered|added|created|registrerad|registrerats|tillagd|skapad)\b.*\b(?:without me|utan mig|utan att jag)\b/;

const PASSWORD = /\b(?:password|passwords|passwd|pass word|losenord(?:et)?|pw)\b/;
const PASSWORD_TROUBLE = /\b(?:forgot|forgotten|forget|reset|change|changed|expired|wrong|lost|new|locked|remember|not accepted|doesnt work|dont know|glomt|glomde|aterstall\w*|byta|bytt|andra|utgatt|fel|nytt|kommer inte ihag|minns inte|fungerar inte|funkar inte)\b/;
const TOTP_WORDS = /\b(?:code|codes|kod|koden|koder|verification|verifiering\w*|2fa|otp|totp|token|authenticator|app|appen|tvafaktor\w*|two factor)\b/;
const JOBS = /\b(?:slurm|sbatch|squeue|srun|salloc|scancel|job queue|in the queue|queued|pending jobs?|my jobs?(?: is| are| keeps?| fails?| failed| stuck| wont| doesnt| crashed| died)|jobs? (?:is |are )?(?:stuck|pending|failing|failed|killed|crashed|not running|not starting)|core hours|compute hours|i kon|jobbkon|(?:mitt |mina )?jobb(?:et|en)? (?:star i kon|har fastnat|fastnar|startar inte|kraschar|kraschade|dog|avbrots|gar inte)|karntimmar)\b/;
const DOWN = /\b(?:(?:cluster|rackham|bianca|snowy|pelle|dardel|server|servers|login node|login nodes|uppmax|system|klustret|servern|systemet|inloggningsnoden) (?:is |are |seems |seems to be |appears |appears to be |ar |verkar |verkar vara |tycks vara |ar helt |has been |har varit |went |gick )?(?:down|offline|not responding|unreachable|dead|nere|ligger nere|otillganglig(?:t)?|svarar inte)|(?:is|ar) (?:the )?(?:cluster|rackham|klustret|uppmax) (?:down|nere)|outage|maintenance|maintenance window|driftstorning|driftstopp|underhall|underhallsfonster|underhallet|service window|servicefonster|ligger nere)\b/;

export function extractWantsHuman(clauses: readonly string[]): boolean {
  return findAffirmed(clauses, HUMAN) !== undefined;
}

/** "A token was registered and it was not me": the two halves anywhere in the message. */
export function extractTakeover(clauses: readonly string[]): boolean {
  const whole = clauses.join(' ');
  if (TOKEN_WITHOUT_ME.test(whole)) return true;
  if (TOKEN_EVENT.test(whole) && findAffirmed(clauses, NOT_ME, false)) return true;
  return NOTICE.test(whole) && TOKEN_EVENT.test(whole) && findAffirmed(clauses, NEVER_DID, false) !== undefined && !/\b(?:yet|annu|registrerat an)\b/.test(whole);
}

export function extractOutOfScope(clauses: readonly string[]): OutOfScope | undefined {
  // A password prompt before the code prompt is part of a code problem, not a password problem.
  for (const c of clauses) if (PASSWORD.test(c) && PASSWORD_TROUBLE.test(c) && !TOTP_WORDS.test(c)) return 'password';
  if (findAffirmed(clauses, DOWN)) return 'cluster_down';
  if (findAffirmed(clauses, JOBS)) return 'jobs';
  return undefined;
}
