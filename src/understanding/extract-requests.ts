// What a message asks for besides its topic: a person ("I'd rather talk to a real person"), or
// something the helpdesk does not do (a password, the job queue, the cluster being down). A report
// that someone else registered a token is a fact written as rules (flows/facts/takeover.yaml).
import type { OutOfScope } from '../ports/understanding.ts';
import { findAffirmed } from './clauses.ts';

export type { OutOfScope };

const HUMAN = /\b(?:(?:talk|speak|chat|write) (?:to|with) (?:a |an |some |the )?(?:real |actual |live )?(?:person|human|someone|somebody|staff|support|agent|operator|people|admin|administrator)|(?:real|actual|live) (?:person|human|people)|human being|a human|(?:get|give|want|need|connect) me (?:to |with )?(?:a |an )?(?:real )?(?:person|human|someone|staff|support)|escalate|open a ticket|file a ticket|create a ticket|contact (?:the )?support|(?:prata|tala|snacka|chatta) med (?:en |nagon |ett )?(?:riktig |verklig )?(?:person|manniska|nagon|personal|support(?:en)?|handlaggare|admin)|(?:prata|tala|snacka|chatta) med (?:nagon|nan) (?:pa|fran|i) (?:support(?:en)?|helpdesk(?:en)?|uppmax|servicedesk(?:en)?)|riktig (?:person|manniska)|(?:en |nagon )?manniska|koppla (?:mig )?(?:till|vidare)|skapa ett arende|kontakta support(?:en)?)\b/;

const PASSWORD = /\b(?:password|passwords|passwd|pass word|losenord(?:et)?|pw)\b/;
const PASSWORD_TROUBLE = /\b(?:forgot|forgotten|forget|reset|change|changed|expired|wrong|lost|new|locked|remember|not accepted|doesnt work|dont know|glomt|glomde|aterstall\w*|byta|bytt|andra|utgatt|fel|nytt|kommer inte ihag|minns inte|fungerar inte|funkar inte)\b/;
const TOTP_WORDS = /\b(?:code|codes|kod|koden|koder|verification|verifiering\w*|2fa|otp|totp|token|authenticator|app|appen|tvafaktor\w*|two factor)\b/;
const JOBS = /\b(?:slurm|sbatch|squeue|srun|salloc|scancel|job queue|in the queue|queued|pending jobs?|my jobs?(?: is| are| keeps?| fails?| failed| stuck| wont| doesnt| crashed| died)|jobs? (?:is |are )?(?:stuck|pending|failing|failed|killed|crashed|not running|not starting)|core hours|compute hours|i kon|jobbkon|(?:mitt |mina )?jobb(?:et|en)? (?:star i kon|har fastnat|fastnar|startar inte|kraschar|kraschade|dog|avbrots|gar inte)|karntimmar)\b/;
const DOWN = /\b(?:(?:cluster|rackham|bianca|snowy|pelle|dardel|server|servers|login node|login nodes|uppmax|system|klustret|servern|systemet|inloggningsnoden) (?:is |are |seems |seems to be |appears |appears to be |ar |verkar |verkar vara |tycks vara |ar helt |has been |har varit |went |gick )?(?:down|offline|not responding|unreachable|dead|nere|ligger nere|otillganglig(?:t)?|svarar inte)|(?:is|ar) (?:the )?(?:cluster|rackham|klustret|uppmax) (?:down|nere)|outage|maintenance|maintenance window|driftstorning|driftstopp|underhall|underhallsfonster|underhallet|service window|servicefonster|ligger nere)\b/;

export function extractWantsHuman(clauses: readonly string[]): boolean {
  return findAffirmed(clauses, HUMAN) !== undefined;
}

export function extractOutOfScope(clauses: readonly string[]): OutOfScope | undefined {
  // A password prompt before the code prompt is part of a code problem, not a password problem.
  for (const c of clauses) if (PASSWORD.test(c) && PASSWORD_TROUBLE.test(c) && !TOTP_WORDS.test(c)) return 'password';
  if (findAffirmed(clauses, DOWN)) return 'cluster_down';
  if (findAffirmed(clauses, JOBS)) return 'jobs';
  return undefined;
}
