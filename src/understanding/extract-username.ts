// A username or e-mail address in free text, only where the message says it is one ("my username
// is bob", "I'm bob on the cluster", "användarnamn: bob", "jag heter alice på klustret", "ssh
// bob@rackham…"). A false username is worse than none: the word must look like a cluster username
// (lower-case letters and digits, 2–32, at least one letter) and be no common word; codes were
// taken out of the text before this sees it.
import { foldKeepingPunctuation } from './normalise.ts';
import { defaultLanguageSamples } from './language.ts';

const NAME = '([a-z][a-z0-9]{1,31}|[0-9]{1,5}[a-z][a-z0-9]{0,30})';
const CLUSTER = '(?:the cluster|cluster|klustret|rackham|bianca|snowy|pelle|dardel|uppmax|uppmaxs|naiss|the system|the login node|systemet)';

/** Phrases that name a username, the name in group 1. Folded text: å → a, apostrophes gone. */
const NAMED: readonly RegExp[] = [
  new RegExp(`\\b(?:my )?(?:user ?name|user-name|user id|userid|uid|login name|login id|account name|anvandarnamn(?:et)?|anvandarid|inloggningsnamn(?:et)?|kontonamn(?:et)?)(?:\\s*[:=]\\s*|\\s+(?:is|was|ar|blir|heter|should be|ska vara)\\s+|\\s+(?=\\S+\\s*(?:$|[.,;!?)]))|\\s*["“”«])["“”«]?${NAME}\\b`, 'g'),
  new RegExp(`\\b(?:im|i am|i m|as|jag ar|jag heter|heter|som)\\s+${NAME}\\s+(?:on|at|in|pa|hos|i)\\s+${CLUSTER}\\b`, 'g'),
  new RegExp(`\\b(?:log(?:ging|ged)? ?in|sign(?:ing|ed)? in|ssh(?:ing)?|connect(?:ing)?|loggar in|loggade in|logga in)\\s+(?:as|som)\\s+${NAME}\\b`, 'g'),
  new RegExp(`\\bssh\\s+(?:-\\S+\\s+)*${NAME}@[a-z0-9.-]+`, 'g'),
  new RegExp(`\\b(?:my|mitt) (?:account|konto) (?:is|ar) (?:called |named )?["“”«]${NAME}["“”»]`, 'g'),
  // "My name on the cluster is dave", "mitt namn på klustret är alice": the cluster makes it a username.
  new RegExp(`\\b(?:my|mitt) (?:name|namn) (?:on|at|in|pa|hos|i) ${CLUSTER} (?:is|ar)\\s+${NAME}\\b`, 'g'),
];

/** What one signs a message with, before the name; a sign-off word is never a name itself. */
const SIGN_OFF_WORDS = `regards cheers best br rgds brgds mvh vh halsningar halsning halsn kram kramar hej hejda`.split(' ');
const SIGN_OFFS = ['(?:kind |best |warm )?regards', 'cheers', 'best', 'br', 'b r', 'rgds', 'mvh', 'vh', 'med vanlig halsning', '(?:vanliga |basta |manga )?halsningar', 'kram', 'kramar', 'hejda'];

/**
 * Weaker cues ("I'm alice.", "alice here", "jag är bob.", "user alice", "anv alice"): the name must
 * be typed in lower case, end its phrase, and be no word the helpdesk's own texts use.
 */
const WEAK: readonly RegExp[] = [
  new RegExp(`\\b(?:im|i am|jag ar|jag heter|its|it is|det ar|this is|detta ar)\\s+${NAME}(?=\\s*(?:$|[.!?,;:)])|\\s+(?:and|och|here|har|but|men)\\b)`, 'g'),
  new RegExp(`(?:^|[.!?,;:]\\s*)${NAME}\\s+(?:here|har)(?=\\s*(?:$|[.!?,;:]))`, 'g'),
  // Swedish word order after a word of apology or surprise: "ah förlåt, alice heter jag".
  new RegExp(`\\b${NAME}\\s+heter jag(?=\\s*(?:$|[.!?,;:]))`, 'g'),
  new RegExp(`\\b(?:user|usr|anv|anvandare)\\s*:?\\s+${NAME}(?=\\s*(?:$|[.!?,;:)])|\\s+(?:and|och|here|har|but|men)\\b)`, 'g'),
  // A correction: "sorry, I meant alice", "typo: alice", "nej, det var bob", "alice ska det vara".
  new RegExp(`\\b(?:i meant|i mean|meant|it was|it should be|should be|typo|spelling|jag menade|jag menar|menade|det var|det ska vara|ska vara|stavfel|felstavat)\\s*:?\\s+${NAME}(?=\\s*(?:$|[.!?,;:)]))`, 'g'),
  new RegExp(`(?:^|[.!?,;:]\\s*)${NAME}\\s+(?:ska det vara|skulle det vara|it should be|it is|its)(?=\\s*(?:$|[.!?,;:]))`, 'g'),
  // The account named after the word: "a token was added to my account alice", "på mitt konto bob, men…",
  // and without "my" where the name ends its phrase: "…, account dave.", "konto erin".
  new RegExp(`\\b(?:my|mitt|mina) (?:account|konto|kontot)\\s+${NAME}(?=\\s*(?:$|[.!?,;:)])|\\s+(?:and|och|but|men|i|jag)\\b)`, 'g'),
  new RegExp(`\\b(?:account|konto|kontot)\\s*:?\\s+${NAME}(?=\\s*(?:$|[.!?,;:)]))`, 'g'),
  // "my account is dave.", "kontot är erin": the name ends the phrase (a state there is a common word).
  new RegExp(`\\b(?:my |mitt )?(?:account|konto|kontot)(?: name| namn)? (?:is|ar)\\s+${NAME}(?=\\s*(?:$|[.!?,;:)]))`, 'g'),
  // A signature: the name after a word or mark one signs with, ending the message ("The code fails.
  // /dave", "… regards, dave", "mvh alice"). A word alone at the end is no signature: it is as often
  // the sign-off itself ("regards", "kram"), an interjection ("meh", "anyway") or an afterthought.
  new RegExp(`(?:(?:^|[.!?,;:]\\s*|\\s)(?:${SIGN_OFFS.join('|')})[,:]?\\s+|(?:^|\\s)(?:/{1,2}|-{1,2}|~)\\s*)${NAME}[.!]?\\s*$`, 'g'),
  // A lower-case word alone after a full sentence of three words or more, counted from where that
  // sentence starts ("The codes fail every time. dave"; not "Hi. It fails. dave"): people sign so
  // without a sign-off. Never a sign-off, an interjection, an adjective, an ordinary word, a common
  // word or a word of the helpdesk's own texts (weak() checks them).
  new RegExp(`(?<=(?:^|[.!?]\\s)\\s*(?:[^\\s.!?]*[a-z][^\\s.!?]*\\s+){2,}[^\\s.!?]*[a-z][^\\s.!?]*[.!?]+)\\s+${NAME}\\s*$`, 'g'),
];

/**
 * How English and Swedish adjectives and participles end ("inaccessible", "locked", "useless", "spärrad"):
 * after a weak cue such a word says how the account is, not what it is called. A name with a digit is
 * never one of them.
 */
const ADJECTIVE_ENDING = /^[a-z]+(?:ing|ed|ly|ful|ous|ive|able|ible|less|ical|ish|ig|isk|lig|ade|at)$/;

/** One-word answers that look like a name but are not one ("japp", "nope", "hmm"). */
const INTERJECTIONS = new Set(
  `japp jepp jo joho nja nope yep yeah yup nah hmm hm mm aha oops ojdå oj aj usch asch äsch nä nää nej nix okidoki
  what vad va varför why how hur when när who vem where var kanske maybe idk vetej dunno whatever
  asap pls plz thx ty tia btw lol ugh argh mvh snalla assa alltsa typ anyone anybody nagon nan urgent akut
  meh huh eh wtf omg hmmm hmmmm weird odd strange jaså vadå konstigt sos help pronto anyway anyways nevermind nvm whatever please ${SIGN_OFF_WORDS.join(' ')}`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Ordinary English and Swedish words a message may end with (a feeling, a remark, a colour, a
 * time): after a weak cue or alone, such a word is what the person says, not a name. The demo
 * users' names and common first names stay out.
 */
const ORDINARY = new Set(
  `weird strange odd funny annoying frustrating sigh damn dammit darn crap shit fuck wtf omg ffs lol haha hahaha yikes bummer
  sadly unfortunately anyway everything something anything whatever seriously honestly totally basically
  bye goodbye later soon tonight morning evening night week weekend monday tuesday wednesday thursday friday saturday sunday
  great nice cool perfect awesome terrible horrible awful useless pointless hopeless crazy insane ridiculous silly stupid
  red blue green yellow brown black white grey gray pink purple orange
  again always sometimes often usually today tomorrow yesterday here there home work office lab
  please pleeease thanks cheers sorry oops whoops ugh meh hmm huh eh ah oh wow yay nope yep
  help stuck lost broken done fine good bad okay ok
  konstigt konstig knasigt knepigt jobbigt irriterande suck fan fasen tusan javlar jaklar skit typiskt sjukt galet dumt
  tyvarr ialla iallafall anyway hursomhelst tack hejda adjo snart sen senare ikvall imorgon morgon kvall natt helg
  bra battre fint toppen super kanon perfekt hemskt illa daligt onodigt
  rod bla gron gul svart vit gra rosa lila
  igen alltid ibland ofta idag hemma jobbet kontoret labbet
  snalla tack forlat hoppsan oj aj usch asch hmm aha jaha nej ja nja`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * A message that is nothing but a username ("carol"), typed in lower case where a question with
 * choices was asked and nothing else was understood: the person answers the question they expect.
 * Stricter than a name in a sentence: three letters at least, no word of the helpdesk's own texts,
 * no interjection, no word ending as English or Swedish inflections do.
 */
export function bareUsername(text: string): string | undefined {
  const word = text.trim().replace(/[.!?,;:]+$/, '');
  if (!/^[a-z][a-z0-9]{2,31}$/.test(word)) return undefined;
  if (!isUsernameLike(word) || INTERJECTIONS.has(word) || ORDINARY.has(word) || helpdeskWords().has(word)) return undefined;
  if (ADJECTIVE_ENDING.test(word)) return undefined;
  return word;
}

/**
 * A one-word message that is a common word in English or Swedish ("kod", "help", "token", "hej"),
 * not a name: typed where a username was asked, it is not looked up as an account.
 */
export function isCommonWord(text: string): boolean {
  const word = foldKeepingPunctuation(text.trim().replace(/[.!?,;:]+$/, ''));
  if (!/^[a-z][a-z0-9]*$/.test(word)) return false;
  return NOT_NAMES.has(word) || INTERJECTIONS.has(word) || helpdeskWords().has(word);
}

let vocabulary: Set<string> | undefined;
/** Every word of the flows and catalogues, both languages: a name is none of them. */
function helpdeskWords(): Set<string> {
  if (!vocabulary) {
    vocabulary = new Set();
    for (const s of defaultLanguageSamples()) for (const w of foldKeepingPunctuation(s.text).split(/[^a-z0-9]+/)) if (w) vocabulary.add(w);
  }
  return vocabulary;
}

// Words a person writes after "my username is" that are not a username ("my username is wrong").
const NOT_NAMES = new Set(
  `a an the my your our their his her its this that these those it me you we they he she i im is are was were be been am
  not no never none nobody yes ok okay sure maybe also too still now then just only here there where when what which who why how
  correct wrong right invalid valid unknown missing blocked locked disabled expired active inactive new old same different
  fine good bad broken gone lost stolen deleted ok on off in at of for to from by with without and or but so if
  user username name account login password code codes token app phone mobile email mail address something someone nothing
  please thanks thank hi hello hey help sorry there correct probably definitely actually really already
  jag du vi ni de han hon den det min mitt mina din ditt dina ar var blir inte ingen inget nej ja okej kanske ocksa fortfarande
  nu sen bara har dar vad vilken vem varfor hur fel ratt ogiltigt ogiltig okand saknas last spart borta gammalt nytt samma
  och eller men sa om med utan till fran pa i av for anvandarnamn namn konto losenord kod koden appen telefonen mobilen
  isnt doesnt dont didnt cant wont works work working worked fails failed failing exists exist gets got does do did has have
  had will would should could can may might must being seems stuck new working logged locked trying unable able
  ny nya inloggad fast utelast ute hemma borta inne klar klara sjuk ledig trott arg glad ledsen forvirrad forsenad sen tidig
  upptagen student doktorand forskare larare home out away back done ready fine sick busy late early online offline
  confused sorry tired angry happy sad student researcher teacher postdoc phd admin member guest visitor abroad
  me him them us yours mine
  funkar fungerar finns gar gick heter kan ska skulle har hade
  tack hej hejsan tjena hjalp forlat inloggning inloggningen ett en alltid aldrig typ liksom
  again anymore today yesterday tonight tomorrow igen langre idag igar ikvall imorgon`
    .split(/\s+/)
    .filter(Boolean),
);

const EMAIL = /(?<![\w.+-])([a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})(?![\w-])/;

export function extractEmail(text: string): string | undefined {
  const folded = foldKeepingPunctuation(text);
  // user@host after ssh is a login, not an address.
  const m = folded.match(EMAIL);
  if (!m || new RegExp(`ssh\\s+(?:-\\S+\\s+)*${m[1]!.replace(/[.+]/g, '\\$&')}`).test(folded)) return undefined;
  return m[1];
}

export function extractUsername(text: string): string | undefined {
  return usernameSaid(text)?.name;
}

/**
 * The message without the words that name its username ("…, användarnamn alice" is "…,"), for the
 * classifier: a person who names their username has one, so the word "username" must not pull the
 * message to the no-account topic (the account check decides that). Unchanged when none is given.
 */
export function withoutUsername(text: string): string {
  const said = usernameSaid(text);
  // Only the phrases that name the account itself ("account dave", "user erin") pull to no-account.
  if (!said || (!named(said.folded) && !ACCOUNT_WORD.test(said.folded.slice(said.at, said.at + said.length)))) return text;
  const folded = said.folded;
  // Cut from the same folding with its capitals kept, letter for letter the same length.
  const cased = foldKeepingPunctuation(text, true).replace(/\s+/g, ' ');
  if (cased.length !== folded.length) return text;
  return `${cased.slice(0, said.at)} ${cased.slice(said.at + said.length)}`.replace(/\s+/g, ' ').trim();
}

const ACCOUNT_WORD = /\b(?:account|konto|kontot|user|usr|anv|anvandare)\b/;

interface Said {
  name: string;
  /** Where the phrase that gives it stands in `folded`. */
  at: number;
  length: number;
  folded: string;
}

// A turn asks about its one message's username more than once (its facts, and the classifier that
// reads the message without it): the last answer is kept.
let saidOf: string | undefined;
let lastSaid: Said | undefined;

function usernameSaid(text: string): Said | undefined {
  if (text !== saidOf) {
    const folded = foldKeepingPunctuation(text).replace(/\s+/g, ' ');
    lastSaid = named(folded) ?? weak(folded, text);
    saidOf = text;
  }
  return lastSaid;
}

function weak(folded: string, text: string): Said | undefined {
  // The same folding without lower case, letter for letter: where a name was typed in capitals.
  const cased = foldKeepingPunctuation(text, true).replace(/\s+/g, ' ');
  const sameLength = cased.length === folded.length;
  for (const re of WEAK) {
    re.lastIndex = 0;
    for (let m = re.exec(folded); m; m = re.exec(folded)) {
      const name = m[1] as string;
      const at = m.index + m[0].lastIndexOf(name);
      if (!sameLength || cased.slice(at, at + name.length) !== name) continue;
      if (!isUsernameLike(name) || INTERJECTIONS.has(name) || ORDINARY.has(name) || helpdeskWords().has(name) || ADJECTIVE_ENDING.test(name)) continue;
      return { name, at: m.index, length: m[0].length, folded };
    }
  }
  return undefined;
}

function named(folded: string): Said | undefined {
  for (const re of NAMED) {
    re.lastIndex = 0;
    for (let m = re.exec(folded); m; m = re.exec(folded)) {
      const name = m[1];
      // "I'm stuck on rackham", "jag är ny på klustret": a state, not a name.
      if (re === NAMED[1] && /(?:ing|ed|ly|ad|at|ig|isk)$/.test(name ?? '')) continue;
      if (name && isUsernameLike(name)) return { name, at: m.index, length: m[0].length, folded };
    }
  }
  return undefined;
}

/** Letters and digits, 2–32, a letter in it, and no common word in either language. */
export function isUsernameLike(word: string): boolean {
  return /^[a-z0-9]{2,32}$/.test(word) && /[a-z]/.test(word) && !NOT_NAMES.has(word) && !/^\d+(?:st|nd|rd|th|am|pm|min|h|s)$/.test(word);
}

/** Letters that differ between two words: one added, dropped, changed, or two side by side swapped. */
function slips(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** A short message, a few words at most: a name typed again stands nearly alone. */
const RETYPED_WORDS = 6;
const NEGATOR = /^(?:not|no|inte|ej|icke)$/;

/**
 * The username typed again with its slip mended ("alice, not alcie", "oops, alice", "rättelse:
 * alice" after "alcie"): a word of a short message one slip from the username known, or its own
 * letters rearranged (a name under five letters: only two letters swapped), so close that it can
 * only be the same name put right. Never a word said after "not" / "inte", a common word, a word
 * of the helpdesk's own texts or an interjection.
 */
export function retypedUsername(text: string, known: string): string | undefined {
  const words = foldKeepingPunctuation(text).split(/[^a-z0-9]+/).filter(Boolean);
  if (!words.length || words.length > RETYPED_WORDS || known.includes('@')) return undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === known || w.length < 3 || !isUsernameLike(w) || INTERJECTIONS.has(w) || ORDINARY.has(w)) continue;
    if (i > 0 && NEGATOR.test(words[i - 1] as string)) continue;
    if (helpdeskWords().has(w)) continue;
    // A short name is a letter from too many words ("bob", "job"), a longer one two letters from
    // many ("alice", "price"): beyond one slip in a long name, only its own letters rearranged.
    const sameLetters = [...w].sort().join('') === [...known].sort().join('');
    const n = slips(w, known);
    if (Math.min(w.length, known.length) < 5 ? sameLetters && n === 1 : n === 1 || (n === 2 && sameLetters)) return w;
  }
  return undefined;
}
