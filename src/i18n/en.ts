import { formatMinutes, type Catalogue, type SummaryData } from './catalogue.ts';

const names = (d: SummaryData) => (Array.isArray(d.ptr) && d.ptr.length ? d.ptr.join(', ') : 'no name');

export const en: Catalogue = {
  system: {
    greeting: "Hi! I'm the {centre} two-factor helpdesk. Tell me what's wrong in a few words, or pick a topic.",
    menu_prompt: 'What do you need help with?',
    not_understood: "I'm not sure what you mean. Pick one of these topics:",
    pick_one: 'That button belongs to an earlier question. Here is where we are now:',
    same_code_again:
      'That is the same code you typed before, so it cannot work now: the code changes every 30 seconds, and a code from the setup never works again. Type the code your app shows right now.',
    nothing_to_skip: 'There is nothing to skip here.',
    ip_help:
      'On the computer you log in from, open {public_url}/ip in a browser, or run: curl {public_url}/ip. It shows the address and whether two-factor is needed from there. Then type the address here, or "skip".',
    username_help:
      'Your {centre} username is in the mail you got when the account was made, and in {identity_service} under your accounts. The e-mail address on your account works too. Or type "skip".',
    code_help:
      'Open your authenticator app and find the {centre} entry: the code is the 6 digits under it, and it changes every 30 seconds. Or type "skip".',
    time_help:
      'Look at the clock on your phone\'s lock screen or in its settings, and type it with seconds, like 14:32:05. Or type "skip".',
    text_help: 'A sentence or two in your own words is enough: what you tried and what happened.',
    pick_help: 'Pick the one that fits best; if none does, choose "Talk to a person".',
    nothing_sent_note:
      'Nothing is sent to you, by SMS or by mail: your authenticator app makes the codes itself, a new one every 30 seconds.',
    first_code_note:
      'The first code you saw when you set it up worked only then. A code is valid for about 30 seconds: always type the one your app shows at that moment.',
    welcome: 'You are welcome. Good luck with the login!',
    clarify_choice: 'I am not sure I understood. {question} The closest answers:',
    out_of_scope:
      'I can only help with two-factor login. For other questions (jobs, storage, software), see {support_url}.',
    empty_input: 'I got an empty message. Type a few words, or the number of a choice.',
    too_long: 'That message was very long, so I only read the first {limit} characters.',
    unprintable: "I couldn't read that message: it has no readable text. Please type it again.",
    secret_warning:
      'Careful: that looks like a two-factor secret or setup link. Never share it with anyone, not even support. I have not stored it. If you shared it somewhere else, register a new token.',
    apology:
      'Sorry, something went wrong on my side. You can type "human" to reach the support team, or use the support form: {support_url}',
    expired: 'Your previous conversation was idle for a long time, so we are starting over.',
    welcome_back: 'Welcome back! We were in the middle of this:',
    ended: 'Anything else? Type "menu" to start over, or "human" to reach a person.',
    ended_hint: 'This conversation is finished. Type "menu" to start a new one.',
    escalated:
      'I have handed this over to the {centre} support team, with our conversation and what I found. Your reference is {ticket}. They answer by e-mail; you can also write to {support_email} and quote the reference.',
    escalated_urgent:
      'I have marked this as URGENT for the {centre} support team, with our conversation and what I found. Your reference is {ticket}. Until they answer, do not approve anything you did not start yourself.',
    escalation_failed:
      'I could not file a ticket just now. Please use the support form at {support_url} or write to {support_email}.',
    bad_code_format: 'A code is the 6 digits your app shows right now (spaces are fine). Please type it again.',
    bad_time_format:
      'Please type the time your phone shows, like 14:32:05 (hours:minutes:seconds), or "skip".',
    bad_ip: 'That is not an IP address. Type an address like 192.0.2.10 or 2001:db8::1, or "skip".',
    bad_username: 'A username is letters, digits, dots, dashes or underscores (or an e-mail address). Please try again.',
    checking: 'Checking {what}…',
    findings: 'What I found:',
    commands_hint: 'You can type "menu" to start over or "human" to reach a person at any time.',
    proof_sent:
      'To keep accounts private, I only talk about an account to its owner. If an account exists for that name, a mail with a confirmation code (like KXTR-PMWB) is on its way to the address on the account. Type the code here when it arrives. You can also type "skip" to go on with the general checks.',
    proof_wrong: 'That is not the code from the mail. Check it and type it again, or type "skip" to go on without it.',
    proof_expired: 'That code has expired. Type your username again and I will send a new one.',
    proof_locked: 'That was too many wrong codes, so the code no longer works. Type your username again for a new one, or "skip".',
    proven: 'Thanks, you are verified as {user}.',
  },
  shared: {
    yes: 'Yes',
    no: 'No',
    did_it_help: 'Did that solve it?',
    back_to_menu: 'Something else',
    talk_to_human: 'Talk to a person',
    skip: 'Skip',
  },
  summary: {
    'account.found': (d) => `The account ${d.username} exists and is active.`,
    'account.missing': (d) => `There is no account called ${d.username}.`,
    'account.inactive': (d) => `The account ${d.username} exists but is ${d.status}.`,
    'account.unavailable': () => 'The account service did not answer, so I could not check the account.',
    'token.active': () => 'Your two-factor token is active.',
    'token.pending': (d) =>
      `Your token was registered ${formatMinutes(Number(d.minutesSinceRegistration), 'en')} ago and is still being activated.`,
    'token.pending-overdue': (d) =>
      `Your token was registered ${formatMinutes(Number(d.minutesSinceRegistration), 'en')} ago and is still not active. That is longer than it should take.`,
    'token.none': () => 'No two-factor token is registered for this account.',
    'token.disabled': (d) => `Your two-factor token is ${d.state}.`,
    'token.unavailable': () => 'The enrollment service did not answer, so I could not check your token.',
    'clock.ok': (d) => `Your device's clock is right (within ${d.amount} s).`,
    'clock.drifting': (d) => `Your device is ${d.amount} s ${d.direction}. Codes still work, but it is drifting.`,
    'clock.skewed': (d) => `Your device is ${d.amount} s ${d.direction}. That is enough to make codes fail.`,
    'clock.unmeasured': () => 'I could not measure your device clock.',
    'code.valid': () => 'That code is correct for right now.',
    'code.stale': (d) =>
      `That code is an old one: it was valid ${Math.abs(Number(d.offsetSteps)) * 30} seconds ago.`,
    'code.ahead': (d) => `That code is from the future: it will be valid in ${Number(d.offsetSteps) * 30} seconds.`,
    'code.invalid': () => 'That code does not match your token at any nearby time.',
    'code.unverifiable': () => 'I cannot check codes right now.',
    'network.exempt': (d) => `Your address ${d.ip} (${names(d)}) is exempt: no two-factor code is needed from there.`,
    'network.outside': (d) => `Your address ${d.ip} (${names(d)}) is outside the exempt networks: two-factor is required.`,
    'network.no-ptr': (d) => `Your address ${d.ip} has no reverse DNS name: two-factor is required.`,
    'network.mismatch': (d) =>
      `Your address ${d.ip} has the name ${names(d)}, but that name does not point back to it: two-factor is required.`,
    'network.private': (d) => `The address ${d.ip} is a private one, so I cannot tell where you connect from.`,
    'network.dns-error': (d) => `DNS did not answer for ${d.ip}, so assume two-factor is required.`,
  },
  advice: {
    'account.missing':
      'You need a {centre} account before you can register a second factor. Apply for one through {identity_service} first.',
    'account.inactive':
      'Your account is not active. Renew your project membership in {identity_service}, or contact support.',
    'token.none': 'Register a token: open {enrollment_url}, log in with {identity_service} and scan the QR code.',
    'token.pending':
      'Activation takes a few minutes, not days. Nothing more will be sent to you: just try again in a little while.',
    'token.pending-overdue':
      'This is taking longer than it should. I suggest handing this to the support team.',
    'token.disabled': 'A disabled token cannot be used. Register a new one at {enrollment_url}, or contact support.',
    'clock.skewed':
      'Set your phone to take the time from the network. Android: Settings > System > Date & time > "Set time automatically". iPhone: Settings > General > Date & Time > "Set Automatically". Google Authenticator on Android also has Settings > "Time correction for codes" > "Sync now". On a computer authenticator, turn on automatic time in the system settings.',
    'clock.drifting':
      'Turn on automatic date and time on your device, so the drift does not grow until codes fail.',
    'code.stale':
      'The code changes every 30 seconds. Always type the code your app shows right now, never one you noted down earlier.',
    'code.ahead': 'Your device clock seems to run fast. Turn on automatic date and time.',
    'code.invalid':
      'Make sure you read the {centre} entry in your app (not another service), and that it is the token you registered most recently.',
    'network.outside': 'From this network you need your two-factor code when you log in.',
    'network.no-ptr':
      'Your network has no working reverse DNS, so you need two-factor. Your internet provider can fix the DNS.',
    'network.mismatch':
      'Your network has broken forward and reverse DNS, so you need two-factor. Your internet provider can fix the DNS.',
    'network.dns-error': 'Assume you need your two-factor code when you log in.',
  },
  statusLabel: { pass: 'OK', warn: 'WARN', fail: 'FAIL', unknown: '??' },
  checkTitle: { account: 'Account', token: 'Token', clock: 'Clock', code: 'Code', network: 'Network' },
  mail: {
    proof_subject: '{centre}: your confirmation code {code}',
    proof_body:
      'Someone asked the {centre} two-factor helpdesk about this account {where}, on {when} UTC{from}.\n\nIf that was you, type this code into that same conversation to continue:\n\n    {code}\n\nIt works once, for {minutes} minutes. Type it only into the chat you started yourself; support will never ask you for it.\n\nIf this was not you, ignore this mail and tell support at {support_email}. Nothing about your account has been shown to anyone.\n',
    where_web: 'on the web support page',
    where_discord: 'in Discord',
    where_slack: 'in Slack',
    where_terminal: 'in a terminal chat',
    where_other: 'in a chat',
    from_address: ', from the address {ip}',
  },
};
