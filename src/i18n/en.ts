import { formatMinutes, type Catalogue, type SummaryData } from './catalogue.ts';

const names = (d: SummaryData) => (Array.isArray(d.ptr) && d.ptr.length ? d.ptr.join(', ') : 'no name');
/** The day of an ISO time (2026-11-01), or undefined. */
const day = (iso: unknown) => (typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : undefined);

export const en: Catalogue = {
  system: {
    greeting: "Hi! I'm the {centre} two-factor helpdesk. Tell me what's wrong in a few words, or pick a topic. (What I keep about you, and for how long: {privacy_url})",
    taking_username: "I'll look up {user}. (Not you? Just tell me your username.)",
    username_corrected: "Thanks, I'll look up {user} instead.",
    code_not_username:
      'That looks like a code from your app, not a username: I will use it when we get to the code. First, what is your username (or the e-mail address on your account)?',
    handover_wait:
      'Your case is with the {centre} support team (reference {ticket}). They usually answer by e-mail within {response_time}. Anything you add here goes to the same case.',
    handover_closing: 'You are welcome. The support team will answer by e-mail (reference {ticket}).',
    followup_added: 'I have added that to your case {ticket}, so the support team sees it with the rest.',
    out_of_scope_password:
      'I only help with the two-factor login, not passwords. To set or reset your {centre} password, go to {password_help_url}.',
    out_of_scope_jobs:
      'I only help with the two-factor login. For questions about jobs and the queue, ask the {centre} support team at {support_url}.',
    out_of_scope_cluster_down:
      'I only help with the two-factor login. Whether {centre} is down or under maintenance is shown at {status_url}.',
    menu_prompt: 'What do you need help with?',
    not_understood: "I'm not sure what you mean. Pick one of these topics:",
    pick_one: 'That button belongs to an earlier question. Here is where we are now:',
    same_code_again:
      'That is the same code you typed before, so it cannot work now: the code changes every 30 seconds, and a code from the setup never works again.',
    watch_started:
      'Good: I will tell you here as soon as your token is active, for up to 24 hours. Type "stop" if you no longer want that.',
    watch_already: 'I am already watching your token, and will tell you here when it is active.',
    watch_stopped: 'I have stopped watching your token: you will get nothing more about it from me.',
    watch_none: 'I was not watching anything for you.',
    watch_active: 'Your token is active now. Log in with the code your app shows at that moment.',
    watch_overdue:
      'Your token has been waiting longer than it should, so I have handed it to the support team (reference {ticket}). I will still tell you here when it becomes active.',
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
    welcome: 'You are welcome.',
    closing_again: 'Take care.',
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
    not_saved: 'I could not store this conversation just now (the helpdesk is short of space or its database is not answering). I have kept it here and will store it with your next message; if that fails too, use the support form: {support_url}',
    welcome_back: 'Welcome back! We were in the middle of this:',
    ended: 'Anything else? Type "menu" to start over, or "human" to reach a person.',
    ended_hint: 'This conversation is finished. Type "menu" to start a new one.',
    escalated:
      'I have handed this over to the {centre} support team, with our conversation and what I found. Your reference is {ticket}. They answer by e-mail, usually within {response_time}; you can also write to {support_email} and quote the reference.',
    escalated_urgent:
      'I have marked this as URGENT for the {centre} support team, with our conversation and what I found. Your reference is {ticket}. They answer by e-mail as soon as they can, at the latest within {response_time}.',
    escalation_failed:
      'I could not file a ticket just now. Please use the support form at {support_url} or write to {support_email}.',
    bad_code_format: 'A code is the 6 digits your app shows right now (spaces are fine). Please type it again.',
    // The question follows with the example and "skip": this only says what went wrong.
    bad_time_format: 'I could not read a time in that. Just the time, please.',
    bad_ip: 'That is not an IP address. Type an address like 192.0.2.10 or 2001:db8::1, or "skip".',
    bad_username: 'A username is letters, digits, dots, dashes or underscores (or an e-mail address). Please try again.',
    checking: 'Checking {what}…',
    findings: 'What I found:',
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
    'account.inactive': (d) =>
      d.status === 'locked'
        ? `The account ${d.username} is locked by the password policy${day(d.lockedAt) ? ` since ${day(d.lockedAt)}` : ''}.`
        : d.status === 'expired' && day(d.expiresAt)
          ? `The account ${d.username} expired on ${day(d.expiresAt)}.`
          : `The account ${d.username} exists but is ${d.status}.`,
    'account.unavailable': () => 'The account service did not answer, so I could not check the account.',
    'token.active': (d) =>
      `Your two-factor token is active.${typeof d.driftSeconds === 'number' && d.driftSeconds !== 0 ? ` At your last good login, the login service saw your device's clock ${Math.abs(d.driftSeconds)} s ${d.driftSeconds < 0 ? 'behind' : 'ahead'}.` : ''}`,
    'token.locked': (d) =>
      `Your two-factor token is locked after ${d.failCount} wrong codes. Only support can unlock it.`,
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
    'code.valid': (d) => `That code is correct for right now.${d.consumed ? ' Checking it used it up: wait for the next code when you log in.' : ''}`,
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
    'token.locked':
      'Your token is locked after too many wrong codes. Only support can unlock it. Before you try again, make sure your device sets its time automatically.',
    'account.inactive-locked':
      'Your account is locked by the password policy, usually after too many wrong passwords. Support can unlock it.',
    'account.inactive-nologin': 'Your account may not log in right now. Contact support to find out why.',
    'account.inactive-expired': 'Your account has expired. Renew your project membership in {identity_service}, or contact support.',
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
    proof_subject: '{centre}: your confirmation code',
    proof_body:
      'Someone asked the {centre} two-factor helpdesk about this account {where}, on {when} UTC{from}.\n\nIf that was you, type this code into that same conversation to continue:\n\n    {code}\n\nIt works once, for {minutes} minutes. Type it only into the chat you started yourself; support will never ask you for it.\n\nIf this was not you, ignore this mail and tell support at {support_email}. Nothing about your account has been shown to anyone.\n',
    active_subject: '{centre}: your two-factor token is active',
    active_body:
      'Your new two-factor token for {centre} is active now: log in, and when asked, type the code your app shows at that moment.\n\nYou asked the helpdesk to tell you; this is the only mail about it.\n',
    where_web: 'on the web support page',
    where_discord: 'in Discord',
    where_slack: 'in Slack',
    where_terminal: 'in a terminal chat',
    where_other: 'in a chat',
    from_address: ', from the address {ip}',
  },
  channel: {
    refusal: 'Sorry, diagnostics are for the support team. If you need help with two-factor, use {command} in {platform}.',
    home_title: '{centre} two-factor helpdesk',
    home_intro: 'What do you need help with? Pick a topic, or send me a direct message in your own words (English or Swedish). {command} works anywhere.',
    never_share: 'The helpdesk never asks for your password, your two-factor secret or the QR code. It may ask for a code that is already used up.',
    clock_button: "Check my phone's clock",
    one_moment: 'One moment…',
    no_profile_email: 'That Slack user has no e-mail address on their profile; give their username instead.',
    not_an_ip: '"{what}" is not an IP address.',
    diagnose_usage: 'Usage: {command} @user|username|email [ip]',
    latest_conversation: 'Latest conversation with {who}:',
    no_conversation: 'No conversation with {who} is stored.',
    ticket_opened: 'Ticket {reference} opened for {who}.',
    thread_opened: "I've opened a private thread for us: {thread}",
    dm_sent: "I've sent you a direct message, so anything about your account stays between us.",
    something_wrong: 'Sorry, something went wrong. Try again, or use the support form: {support_url}',
    staff_ticket_note: 'Opened by {platform} staff member {staff} from /2fa-diagnose.',
  },
  staff: {
    'account.found': '{username}: active until {expires}; e-mail {email}.',
    'account.missing': 'No account called {username}. Nothing else to look at until one exists.',
    'account.inactive': '{username}: {status} (end date {expires}); e-mail {email}.',
    'account.unavailable': 'The account service did not answer for {who} ({reason}).',
    'account.inactive-locked': '{username}: locked by the password policy since {lockedAt}; e-mail {email}.',
    'account.inactive-nologin': '{username}: its login shell allows no login (suspended); end date {expires}; e-mail {email}.',
    'account.inactive-expired': '{username}: expired on {expires}; e-mail {email}.',
    'token.active': "{who}'s token {tokenId} is active: registered {registered}, activated {activated}; fail count {failCount}.",
    'token.pending':
      "{who}'s token {tokenId} was registered {since} ago ({registered}) and is still pending; fail count {failCount}. Within the normal wait.",
    'token.pending-overdue':
      "{who}'s token {tokenId} was registered {since} ago ({registered}) and is still pending, past the limit of {overdueMark}.",
    'token.none': '{who} has no token registered.',
    'token.disabled': "{who}'s token {tokenId} is {state} (registered {registered}; fail count {failCount}).",
    'token.locked': "{who}'s token {tokenId} is locked after {failCount} wrong codes (limit {failLimit}); registered {registered}, last used {lastUsed}.",
    'token.drift': 'At the last good code the token service learned a clock offset of {drift} (device minus server).',
    'token.unavailable': 'The token service did not answer ({reason}).',
    'code.consumed': 'Checking it used the code up: the person must wait for the next one.',
    'clock.ok': 'Device clock {offset} ({source}), measured against {reference}: fine.',
    'clock.drifting': 'Device clock {offset} ({source}), measured against {reference}: drifting, codes still work.',
    'clock.skewed': 'Device clock {offset} ({source}), measured against {reference}: enough to make codes fail.',
    'clock.unmeasured': 'Device clock not measured (give --device-time or --code). No NTP answer: this server uses its own clock.',
    'clock.unmeasured-ntp':
      "Device clock not measured (give --device-time or --code). This server's own clock is {hostOffset} from NTP.",
    'code.valid': 'The code is right for now (step offset {offsetSteps}).',
    'code.stale': 'The code is old: it matched {offsetSteps} steps (30 s each) ago.',
    'code.ahead': 'The code is ahead: it matches {offsetSteps} steps (30 s each) from now.',
    'code.invalid': 'The code matches no nearby step: wrong entry in the app, or another token.',
    'code.unverifiable': 'The code could not be checked ({reason}).',
    'network.exempt': '{ip}: PTR {ptr}, forward-confirmed {confirmed}. Exempt: no two-factor needed.',
    'network.outside': '{ip}: PTR {ptr}, forward-confirmed {confirmed}, outside the exempt domains. Two-factor required.',
    'network.no-ptr': '{ip}: no PTR record. Two-factor required.',
    'network.mismatch': '{ip}: PTR {ptr}, but no name resolves back to it. Two-factor required.',
    'network.private': '{ip} is a private address: it says nothing about where the person connects from.',
    'network.dns-error': '{ip}: DNS did not answer ({reason}). Treat two-factor as required.',
    unknown: 'unknown',
    never: 'never',
    none: 'none',
    ref_ntp: 'NTP',
    ref_host: "this server's clock, since NTP did not answer",
    source_stated: 'a time given with its zone',
    source_typed: 'read off the device',
    source_browser: 'measured by the browser',
    source_codes: 'from two codes that agree',
    next_steps: 'Next steps:',
    run_again: 'Run again',
    show_transcript: 'Show transcript',
    open_ticket: 'Open a ticket',
    heading: 'Diagnostics for {who}',
  },
  staffAction: {
    'account.missing': '{who} needs an account first: point them to {identity_service}.',
    'account.inactive': "{who}'s account is {status}: project membership in {identity_service} must be renewed before two-factor matters.",
    'account.unavailable': 'Check the account service (the enrollment API or the directory), then run this again.',
    'account.inactive-locked': "Unlock {who}'s account in the directory (pwdAccountLockedTime) if the lock was not deliberate.",
    'account.inactive-nologin': "{who}'s login shell blocks logins: find out why before anything else.",
    'token.locked': "Reset the token's fail counter in the token service once you know it is {who} (the bot never does), and have them check the device clock.",
    'token.pending-overdue': 'Check the import job: this token should have been active long ago.',
    'token.none': '{who} must register a token at {enrollment_url}.',
    'token.disabled': 'A disabled token stays disabled: have {who} register a new one, and remove the old if needed.',
    'token.unavailable': 'Check the token service, then run this again.',
    'clock.skewed': 'Have {who} turn on automatic date and time on the device (paste the advice: --for user).',
    'clock.drifting': 'Have {who} turn on automatic date and time before it gets worse.',
    'code.stale': 'Old code: the first code from the setup, or a slow device clock.',
    'code.ahead': 'The device clock runs fast: automatic date and time.',
    'code.invalid': 'Wrong entry in the app, or an older token: have {who} check which entry they read.',
    'network.no-ptr': 'Two-factor is required from there; the network owner can add reverse DNS.',
    'network.mismatch': 'Two-factor is required from there; the network owner can fix forward/reverse DNS.',
  },
  web: {
    network_note:
      'That was the address of this browser. To check the computer you log in from, open {public_url}/ip on it (or run: curl {public_url}/ip).',
    support_title: 'Support form',
    support_intro: 'Tell us what happened. Never include your password or your two-factor secret.',
    name: 'Your name',
    email: 'Your e-mail address',
    username: 'Your username (if you have one)',
    what: 'What happened?',
    attached_conversation: 'Our conversation ({messages} messages) will be attached.',
    attached_findings: 'Our conversation ({messages} messages) and the results of my checks will be attached.',
    existing_ticket: 'You already have a ticket, {ticket}. What you send here is added to it, not opened as a new one.',
    response_time: 'Support usually answers within {time}, by e-mail.',
    submit: 'Send to support',
    thanks: 'Thank you. Your message has reached the support team.',
    reference: 'Your reference',
    back_to_chat: 'Back to the chat',
    bad_link: 'This link is not valid: it may have expired or been used already. Ask the chat for a new one.',
    form_expired: 'The form had expired. Please send it again.',
    check_field: '{field}: please check this field',
    clock_title: "Checking your phone's clock",
    clock_measuring: 'Measuring the clock…',
    clock_done: 'Done: the result is in the chat as well.',
    clock_measured_ntp: 'Measured against NTP time, ±{error} ms.',
    clock_measured_host: "Measured against the server's clock, ±{error} ms.",
    unit_h: '{n} hours',
    unit_d: '{n} days',
    unit_wd: '{n} working days',
  },
  page: {
    title: 'two-factor helpdesk',
    label: 'Your message',
    placeholder: 'Type here…',
    send: 'Send',
    never: 'The helpdesk may ask for a code that is already used up, never for your password, your two-factor secret or the QR code.',
    form: 'Support form',
    clock: "Check this device's clock",
    ip: 'Do I need two-factor from here?',
    error: 'Something went wrong. Try again, or use the support form.',
    slow: 'That was a lot of messages in a short time. Wait a minute, then try again.',
    scan: 'Scan this with your phone, or open the link on it:',
    thisDevice: 'Check this device instead',
    reference: 'Reference',
    measureHere: "Measure this phone's clock",
    local: 'This helpdesk runs on this computer only (its address is localhost), so no phone can open the link: measure this device instead, or type the time your phone shows.',
  },
  privacy: {
    title: 'How the {centre} two-factor helpdesk handles your data',
    intro: 'This helpdesk helps you with two-factor login. To do that it keeps some information about you, for a limited time. This page says what, why, for how long, and whom to ask.',
    kept_heading: 'What is kept, and for how long',
    col_what: 'What',
    col_why: 'Why',
    col_how_long: 'For how long',
    conversations_what: 'What you write to the helpdesk, your username and e-mail address if you give them, and what it found out (your account and token, your device’s clock, your network)',
    conversations_why: 'To help you, and so that support staff can pick up where the helpdesk left off',
    conversations_how_long: '{time} after your last message',
    silent_what: 'A conversation in which you wrote nothing',
    silent_how_long: '{time}',
    addresses_what: 'The IP address you connect from, and the names of your network in DNS',
    addresses_why: 'To tell whether you need two-factor from where you are',
    addresses_how_long: '{time}; after that, only the network it belongs to (the address without its last part)',
    tickets_what: 'A hand-over to support staff: the conversation, what was found, your username and e-mail address',
    tickets_why: 'So that the staff can answer you',
    tickets_how_long: '{time} after it reached the support team’s ticket system; there, the centre’s own rules apply',
    watches_what: 'A request to be told when your token is active, with your e-mail address if you are not in the chat',
    watches_why: 'To tell you once, and only once',
    never: 'Never asked for and never stored: your password, your two-factor secret or its QR code. Login codes are not stored either: to notice a code typed twice, a fingerprint that cannot be turned back into the code is kept for a few minutes.',
    platforms_heading: 'Slack and Discord',
    platforms: 'If you use the helpdesk in Slack or Discord, those companies also handle your messages, under their own terms, outside the EU (in the USA). The web page and the terminal chat do not involve them.',
    logs: 'The helpdesk keeps no logs of its own: what it logs goes to the server’s system log, which is kept as long as the centre’s own rules say. It holds no usernames, e-mail addresses, IP addresses, codes or Slack or Discord ids.',
    rights_heading: 'Your rights',
    rights: 'You can get a copy of everything kept about you, or have it erased: write to {support_email}, or tell the helpdesk “delete my data”. You may also complain to the Swedish Authority for Privacy Protection (IMY).',
    controller: 'Responsible for this data: {centre}. Questions: {support_email}.',
  },
};
