// The extractors: facts given in passing, in both languages, with typos and without å/ä/ö; "not"
// scoped to its phrase; codes counted, never returned, never a username.
import { describe, expect, it } from 'vitest';
import { extractSlots } from '../../src/understanding/extract.ts';
import { bareUsername } from '../../src/understanding/extract-username.ts';

describe('usernames and addresses', () => {
  it('takes a username only where the message says it is one', () => {
    expect(extractSlots("I'm bob on the cluster and the app's codes are refused").username).toBe('bob');
    expect(extractSlots('my username is alice42').username).toBe('alice42');
    expect(extractSlots('Username: KARL').username).toBe('karl');
    expect(extractSlots('användarnamn: greta7').username).toBe('greta7');
    expect(extractSlots('mitt anvandarnamn ar nisse').username).toBe('nisse');
    expect(extractSlots('jag heter alice på klustret').username).toBe('alice');
    expect(extractSlots('I log in as dave2 and it says permission denied').username).toBe('dave2');
    expect(extractSlots('ssh eve@rackham.uppmax.uu.se asks for a code and then fails').username).toBe('eve');
  });

  it('takes a lower-case name after weaker cues: "I\'m alice.", "alice here", "jag är bob.", "user alice"', () => {
    for (const [text, name] of [
      ["Hi, I'm alice.", 'alice'],
      ['Hej, carol här.', 'carol'],
      ['jag är bob.', 'bob'],
      ['Hi, user dave2.', 'dave2'],
      ['anv erin', 'erin'],
      ["Hello, I'm frank and my code fails", 'frank'],
      ['sorry, I meant alice', 'alice'],
      ['typo: alice', 'alice'],
      ['nej, det var bob', 'bob'],
      ['oj, stavfel. alice ska det vara', 'alice'],
      ['jag menade dave', 'dave'],
      ['a new token was registered for my account alice. I did NOT do that.', 'alice'],
      ['en token har registrerats på mitt konto bob, men det var inte jag', 'bob'],
      ['The app codes are refused since Monday, account erin.', 'erin'],
      ['Min token verkar inte aktiv. konto dave', 'dave'],
      ['Mitt konto är greta7.', 'greta7'],
      ['My account is nisse, and nothing has arrived', 'nisse'],
      ['Nothing arrives in my inbox! /hugo', 'hugo'],
      ['The code fails every time. Regards, dave', 'dave'],
      ['Det funkar inte. Hälsningar, karin', 'karin'],
      ['Har väntat sedan i morse. När blir den klar? mvh karin', 'karin'],
      ['The codes keep failing on rackham. nisse', 'nisse'],
      ['Min token är fortfarande inte aktiv! greta7', 'greta7'],
    ] as const) {
      expect(extractSlots(text).username, text).toBe(name);
    }
  });

  it('never takes a common word, a state or a name without a username cue', () => {
    for (const text of [
      'my username is wrong',
      "my username isn't working",
      'my username is not found',
      'the username is the same as before',
      'I am stuck on rackham',
      "I'm new on the cluster",
      'jag är ny på klustret',
      'I am Anna',
      "Hi, I'm Alice.",
      "I'm stuck.",
      "I'm confused.",
      "I'm abroad.",
      'jag är hemma.',
      'jag är osäker',
      'nothing here.',
      'user error',
      'hi, Bob here',
      'anvandarnamnet ar fel',
      'my user name: the one from SUPR',
      'I meant the code',
      'it was yesterday',
      'det var igår',
      'sorry, I meant Alice',
      'typo: the second one',
      'someone is in my account again',
      'mitt konto fungerar inte',
      'my account Alice was blocked',
      'my account is locked.',
      'mitt konto är spärrat',
      'Det funkar inte. snälla',
      'The code does not work. asap',
      'it broke again. anyone?',
      'hjälp mig med kontot idag',
      'Nothing works. Bob',
      'The codes keep failing on rackham. regards',
      'Jag får fel kod hela tiden. hälsningar',
      'The codes keep failing on rackham. meh',
      'It fails. nisse',
      'the codes fail on my account anymore',
      // A word alone at the end is the sign-off, an interjection or an afterthought, not a signature.
      'I get a wrong code every time I log in on the cluster. regards',
      'Koden fungerar inte. hälsningar',
      'Koden fungerar inte. kram',
      'Help, I am locked out. sos',
      'oh wait. nevermind',
      'It still fails. anyway',
      'Fix it. pronto',
      'Codes fail again. meh',
      'It fails. brown',
      // The name after a sentence of fewer than three words, or an ordinary word.
      'Hi. It fails. dave',
      'My codes never work. weird',
      'Koden funkar inte alls idag. konstigt',
      // How the account is, not what it is called.
      'my account is inaccessible',
      'my account is useless.',
    ]) {
      expect(extractSlots(text).username, text).toBeUndefined();
    }
  });

  it('takes a message that is only a lower-case name, but no interjection, common word or capitalised word', () => {
    for (const [text, name] of [['carol', 'carol'], ['dave2 ', 'dave2'], ['zedrik.', 'zedrik']] as const) expect(bareUsername(text), text).toBe(name);
    for (const text of ['nä', 'japp', 'nope', 'hmm', 'why', 'Carol', 'help', 'yes', 'working', 'carol please', '123456', 'ok']) {
      expect(bareUsername(text), text).toBeUndefined();
    }
  });

  it('a number of 6 to 8 digits is a code: counted, never a username, its digits never returned', () => {
    for (const [text, codes] of [
      ['604079', 1],
      ['my username is 604079', 1],
      ['användarnamn: 12345678', 1],
      ['I typed 123 456 and then 654321, both refused', 2],
      ['koden 8473-6123 nekas', 1],
    ] as const) {
      const slots = extractSlots(text);
      expect(slots.codes, text).toBe(codes);
      expect(slots.username, text).toBeUndefined();
      expect(JSON.stringify(slots), text).not.toMatch(/\d{3}/);
    }
    expect(extractSlots('my username is bob and the code 604079 fails')).toMatchObject({ username: 'bob', codes: 1 });
  });

  it('takes an e-mail address, but not user@host after ssh', () => {
    expect(extractSlots('my email is Bob.Smith@uu.se').email).toBe('bob.smith@uu.se');
    expect(extractSlots('min mejl är karin@slu.se').email).toBe('karin@slu.se');
    expect(extractSlots('ssh bob@rackham.uppmax.uu.se').email).toBeUndefined();
  });
});

describe('what happened to the phone', () => {
  it('reads each event in both languages, typos and no å/ä/ö', () => {
    const cases: Array<[string, string]> = [
      ['my phone was stolen on the bus', 'stolen'],
      ['someone stole my mobile', 'stolen'],
      ['min telefon blev stulen', 'stolen'],
      ['mobilen stals pa tunnelbanan, nagon stal den', 'stolen'],
      ['my phone was stollen yesterday', 'stolen'],
      ['I lost my phone', 'lost'],
      ['jag har tappat bort telefonen', 'lost'],
      ['jag har tappat bort min mobil', 'lost'],
      ['my phone broke', 'broken'],
      ['the screen is smashed', 'broken'],
      ['telefonen gick sönder', 'broken'],
      ['mobilen ar trasig', 'broken'],
      ['I got a new phone', 'new'],
      ['jag har fått en ny telefon', 'new'],
      ['jag har bytt telefon', 'new'],
      ['I deleted the authenticator app by mistake', 'app_deleted'],
      ['I uninstalled the app', 'app_deleted'],
      ['jag raderade appen', 'app_deleted'],
      ['I removed Google Authenticator from my phone', 'app_deleted'],
      ['jag avinstallerade microsoft authenticator', 'app_deleted'],
      ['I only have a flip phone', 'no_smartphone'],
      ["I don't have a smartphone", 'no_smartphone'],
      ['jag har ingen smartphone', 'no_smartphone'],
      ['jag har en knapptelefon', 'no_smartphone'],
    ];
    for (const [text, device] of cases) expect(extractSlots(text).device, text).toBe(device);
  });

  it('hears "not" in its own phrase only', () => {
    expect(extractSlots('it fell out of my pocket, nobody stole it').device).toBe('lost');
    expect(extractSlots('it was not stolen, I lost it').device).toBe('lost');
    expect(extractSlots('not stolen, just lost').device).toBe('lost');
    expect(extractSlots('inte stulen, bara borttappad').device).toBe('lost');
    expect(extractSlots('den blev inte stulen utan jag tappade bort den').device).toBe('lost');
    expect(extractSlots('ingen har stulit den').device).toBeUndefined();
    expect(extractSlots('I lost my phone and I think it was stolen').device).toBe('stolen');
  });

  it('does not take trouble with the login for a broken phone, or "I\'m lost" for a lost one', () => {
    expect(extractSlots('my 2fa is broken').device).toBeUndefined();
    expect(extractSlots("I'm a bit lost, how do I set this up?").device).toBeUndefined();
    expect(extractSlots('jag hittar inte koden').device).toBeUndefined();
  });

  it('knows the kind of phone', () => {
    expect(extractSlots('I have an iPhone 15').platform).toBe('ios');
    expect(extractSlots('my Samsung Galaxy').platform).toBe('android');
    expect(extractSlots('jag har en android').platform).toBe('android');
    expect(extractSlots('an old Windows Phone').platform).toBe('other');
    expect(extractSlots('my phone was stolen').platform).toBeUndefined();
    expect(extractSlots('not an iphone').platform).toBeUndefined();
  });
});

describe('times, places and requests', () => {
  it('reads the phone clock when the message says the phone shows it', () => {
    expect(extractSlots('my phone says 14:32:05').deviceTime).toEqual({ hours: 14, minutes: 32, seconds: 5 });
    expect(extractSlots('klockan i mobilen visar 9.05').deviceTime).toEqual({ hours: 9, minutes: 5 });
    expect(extractSlots('the clock on my phone shows 2:15 pm').deviceTime).toEqual({ hours: 14, minutes: 15 });
    expect(extractSlots('I registered at 14:00').deviceTime).toBeUndefined();
    expect(extractSlots('the meeting is at 14:00').deviceTime).toBeUndefined();
  });

  it('reads how long ago the token was registered', () => {
    expect(extractSlots('signed up half an hour ago but still not working').registeredMinutesAgo).toBe(30);
    expect(extractSlots('I registered my token 10 minutes ago').registeredMinutesAgo).toBe(10);
    expect(extractSlots('registered 2h ago').registeredMinutesAgo).toBe(120);
    expect(extractSlots('registrerade för tio minuter sedan').registeredMinutesAgo).toBe(10);
    expect(extractSlots('jag registrerade min token igår').registeredMinutesAgo).toBe(1440);
    expect(extractSlots('I just registered it').registeredMinutesAgo).toBeUndefined();
    expect(extractSlots("I haven't registered 10 minutes ago or ever").registeredMinutesAgo).toBeUndefined();
    expect(extractSlots('my phone is 10 minutes ahead').registeredMinutesAgo).toBeUndefined();
  });

  it('knows where the person is, and "not in Sweden"', () => {
    expect(extractSlots('I am visiting a lab in Oslo this spring, is the code needed there?')).toMatchObject({ place: 'oslo', inSweden: false });
    expect(extractSlots('jag jobbar hemifrån i Uppsala idag')).toMatchObject({ place: 'uppsala', inSweden: true });
    expect(extractSlots('jag är på konferens i Göteborg')).toMatchObject({ place: 'göteborg', inSweden: true });
    expect(extractSlots('Jag ska jobba i Tyskland i vår')).toMatchObject({ place: 'tyskland', inSweden: false });
    expect(extractSlots('I am not in Sweden right now').inSweden).toBe(false);
    expect(extractSlots('jag är utomlands').inSweden).toBe(false);
    expect(extractSlots('I am from Norway but I work in Uppsala')).toMatchObject({ place: 'uppsala', inSweden: true });
    expect(extractSlots('the code is refused').inSweden).toBeUndefined();
  });

  it('hears a wish for a person, and not its negation', () => {
    expect(extractSlots("I'd rather talk to a real person").wantsHuman).toBe(true);
    expect(extractSlots('kan jag få prata med en människa').wantsHuman).toBe(true);
    expect(extractSlots("I don't need to talk to a person, just tell me").wantsHuman).toBeUndefined();
  });

  it('knows what the helpdesk does not do', () => {
    expect(extractSlots('I forgot my password').outOfScope).toBe('password');
    expect(extractSlots('jag har glömt mitt lösenord').outOfScope).toBe('password');
    expect(extractSlots('it asks for my password, then the verification code, and says wrong').outOfScope).toBeUndefined();
    expect(extractSlots('my job is stuck in the queue').outOfScope).toBe('jobs');
    expect(extractSlots('is rackham down?').outOfScope).toBe('cluster_down');
    expect(extractSlots('klustret ligger nere').outOfScope).toBe('cluster_down');
    expect(extractSlots('I started a new job and need an account').outOfScope).toBeUndefined();
  });
});
