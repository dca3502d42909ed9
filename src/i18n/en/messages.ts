// Mails (the proof code, the activation notice) and the lines of the chat platforms. (English)
import { type Catalogue } from '../catalogue.ts';

export const messages: Pick<Catalogue, 'mail' | 'channel'> = {
  mail: {
    proof_subject: '{centre}: your confirmation code',
    proof_body:
      'Someone asked the {centre} two-factor helpdesk about this account {where}, on {when} UTC{from}.\n\nIf that was you, type this code into that same conversation to continue:\n\n    {code}\n\nIt works once, for {minutes} minutes. Type it only into the chat you started yourself; support will never ask you for it.\n\nIf this was not you, ignore this mail and tell support at {support_email}. Nothing about your account has been shown to anyone.\n',
    held_back_subject: '{centre}: confirmation codes for your account held back',
    held_back_body:
      'The {centre} two-factor helpdesk has been asked for confirmation codes for this account more often than it sends them, from places where the account has not been confirmed before (the latest {where}, on {when} UTC{from}).\n\nUntil tomorrow no more codes are mailed for such requests. Where you have typed one of our codes before, you get codes as usual. If you asked from somewhere new yourself, write to support at {support_email}.\n\nIf this was not you, you need do nothing: nothing about your account has been shown to anyone. This is the only mail about it today.\n',
    active_subject: '{centre}: your two-factor token is active',
    active_body:
      'Your new two-factor token for {centre} is active now: log in, and when asked, type the code your app shows at that moment.\n\nYou asked the helpdesk to tell you; this is the only mail about it.\n',
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
};
