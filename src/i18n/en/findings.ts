// The findings of the checks: their one-line summaries, the advice that goes with them, and their labels. (English)
import { formatMinutes, type Catalogue, type SummaryData } from '../catalogue.ts';

const names = (d: SummaryData) => (Array.isArray(d.ptr) && d.ptr.length ? d.ptr.join(', ') : 'no name');
/** The day of an ISO time (2026-11-01), or undefined. */
const day = (iso: unknown) => (typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : undefined);

export const findings: Pick<Catalogue, 'summary' | 'advice' | 'statusLabel' | 'checkTitle'> = {
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
};
