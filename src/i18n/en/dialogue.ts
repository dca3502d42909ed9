// What the bot says in a conversation, and the lines every flow shares. (English)
import { type Catalogue } from '../catalogue.ts';

export const dialogue: Pick<Catalogue, 'system' | 'shared'> = {
  system: {
    greeting: "Hi! I'm the {centre} two-factor helpdesk. Tell me what's wrong in a few words, or pick a topic. (What I keep about you, and for how long: {privacy_url})",
    taking_username: "I'll look up {user}. (Not you? Just tell me your username.)",
    username_corrected: "Thanks, I'll look up {user} instead.",
    value_corrected: "Thanks, I'll use {value} instead of what you wrote before, and check again.",
    code_not_the_problem: 'Your code may well be right: what I found means that no code can work for now.',
    found_so_far: 'Here is what I have found so far:',
    found_all_fine: 'Everything I can check is in order. What is left is what no check of mine can see: your password, the username you log in with, and that you log in to {centre}. If those are right too, a person can look further.',
    username_noted: 'Thanks, noted: your username is {user}.',
    platform_corrected: 'Thanks, noted: your phone is {phone}.',
    phone_ios: 'an iPhone',
    phone_android: 'an Android phone',
    phone_other: 'neither an iPhone nor an Android phone',
    code_not_username:
      'That looks like a code from your app, not a username: I will use it when we get to the code. First, what is your username (or the e-mail address on your account)?',
    handover_wait:
      'Your case is with the {centre} support team (reference {ticket}). {reach} Anything you add here goes to the same case.',
    handover_wait_again: 'As I said just now: your case {ticket} is with the support team, and anything you add here goes to it.',
    how_long:
      'Activating a newly registered token takes minutes, not days, and nothing needs doing meanwhile. A case handed to the {centre} support team usually gets an answer within {response_time}.',
    ticket_status_new: 'Your case {ticket} is with the support team, but nobody has picked it up yet. They usually answer within {response_time}.',
    ticket_status_open: 'Someone in the support team is working on your case {ticket}.',
    ticket_status_waiting: 'Your case {ticket} is on hold at the support team: they are waiting for something, perhaps an answer from you.',
    ticket_status_resolved: 'The support team has marked your case {ticket} as resolved. If it still does not work, tell me here and I will add that to the case.',
    handover_closing: 'You are welcome. Your reference is {ticket} if you need it.',
    handover_nothing_more: 'Then there is nothing more to do here for now: your case {ticket} is with the support team.',
    handover_solved:
      "Great, I'm glad it works now! I have told the support team on your case {ticket} that it is solved, so they can close it.",
    followup_code_hint: 'I will look at your token again and add what I find to your case. If you type the code your app shows right now, I will check that too.',
    handover_cancelled: 'OK, I have not sent anything to the support team.',
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
      'That is the same code you typed before, so it cannot work now: the code changes every 30 seconds. Type the one your app shows right now.',
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
    knowledge_source: 'Where this comes from: {centre}',
    knowledge_offer: 'Would you like help with this too, or with something else?',
    clarify_topic: 'I can read that two ways. Which one fits better?',
    knowledge_unknown:
      "I don't know that, and I would rather not guess. {centre}'s page on two-factor may answer it: {setup_guide_url}. Or a person at support can: type \"a person\".",
    knowledge_unknown_offer: 'Shall I pass the question to a person, or is there something else?',
    takeover_heading: 'Someone else on my account',
    takeover_again:
      'Support already has this as urgent (reference {ticket}). Until they answer, change your {identity_service} password and your {centre} password.',
    welcome: 'You are welcome.',
    repair_cancelled: 'OK, I have dropped that. Nothing was sent. Write again whenever you want to pick it up.',
    repair_nothing_to_cancel: 'There is nothing going on to stop.',
    resume: 'Back to where we were:',
    repair_chitchat: "I'm the {centre} helpdesk's assistant, a program: I can check your account, token, phone clock and codes, and hand you over to the support team.",
    repair_done: 'Good. Write again if anything else comes up.',
    repair_unsure: 'No need to be sure: pick the answer that fits best. If none does, type "human" and a person will look at it with you.',
    repair_question_back: 'I cannot answer that myself, and I would rather not guess; a person at support can (type "human"). The question was:',
    feedback_ask: 'Did this help?',
    feedback_yes: '👍 Yes',
    feedback_no: '👎 No',
    feedback_comment: 'Thank you. If you like, write one sentence about what helped or what did not; or just carry on.',
    feedback_thanks: 'Thank you. The support team reads these to make the helpdesk better.',
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
    ended_hint: 'This conversation is finished. Tell me in a few words what is wrong to start again, or type "human" to reach a person.',
    ended_next: 'All right. If it still does not work, write here again with what you see, or type "human" to reach a person.',
    escalated:
      'I have handed this over to the {centre} support team, with our conversation and what I found. Your reference is {ticket}. {reach}',
    escalated_urgent:
      'I have marked this as URGENT for the {centre} support team, with our conversation and what I found. Your reference is {ticket}. {reach}',
    reach_ask:
      'Before I hand this over: how can the support team reach you? Type your e-mail address, or choose "Here in this chat". (I cannot confirm an address typed here, so nothing but your reference will be sent to it.)',
    reach_here_label: 'Here in this chat',
    reach_email: 'They answer by e-mail to your confirmed address, usually within {response_time}; you can also write to {support_email} and quote the reference.',
    reach_email_kept: 'They have your confirmed e-mail address and usually answer within {response_time}; you can also write to {support_email} and quote the reference.',
    reach_unproven:
      'I have passed on {contact}, marked as not confirmed, so nothing but your reference will be sent to it. They usually answer within {response_time}; you can also write to {support_email} and quote the reference.',
    reach_here: 'Come back to this chat and ask "any news?" whenever you like: I will tell you where your case stands. They usually deal with it within {response_time}.',
    reach_none:
      'I have no confirmed e-mail address of yours, so they cannot write to you: write to {support_email} from your own address and quote the reference, and they answer you there, usually within {response_time}.',
    escalation_failed:
      'I could not file a ticket just now. Please use the support form at {support_url} or write to {support_email}.',
    bad_code_format: 'A code is the 6 digits your app shows right now (spaces are fine). Please type it again.',
    // The question follows with the example and "skip": this only says what went wrong.
    bad_time_format: 'I could not read a time in that. Just the time, please.',
    bad_ip: 'That is not an IP address. Type an address like 192.0.2.10 or 2001:db8::1, or "skip".',
    bad_username: 'A username is letters, digits, dots, dashes or underscores (or an e-mail address). Please try again.',
    checking: 'Checking {what}…',
    findings: 'What I found:',
    step_of: 'Step {at} of {of}',
    picture_scan_qr: 'A phone with its camera on a QR code shown on a computer screen',
    picture_code_entry: 'A field for the code with six digits typed in, and a button to confirm',
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
    // Said when the account's facts choose another topic than the words did: why, in one line.
    facts_no_account: 'You have no account yet, so two-factor cannot be set up: the account comes first.',
    facts_inactive: 'Your account is not active, so two-factor cannot be set up on it until it is.',
    facts_no_token: "You have no token yet, so let's set one up from the start.",
    facts_disabled: "Your old token is disabled, so let's set up a new one from the start.",
    facts_pending: 'Your token is already registered and waiting to be activated, so there is nothing more to set up.',
    facts_no_account_login: 'You have no account yet, so you cannot log in from anywhere: the account comes first.',
    facts_inactive_login: 'Your account is not active, so it cannot log in from anywhere until it is: that comes first.',
    facts_disabled_login: 'Your token is disabled, so no code is accepted wherever you log in from: that comes first.',
    facts_active: "You have an account and an active token, so what fails is the code: let's look at it.",
  },
};
