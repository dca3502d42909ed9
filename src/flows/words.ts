// Placeholders a flow message may use: the centre's own words (from configuration), the person's
// username, the ticket reference after a hand-over, and data from a check that has run.
import { CHECK_DATA_FIELDS, isCheckId } from '../checks/catalogue.ts';

export const CENTRE_WORDS = [
  'centre',
  'enrollment_url',
  'identity_service',
  'support_url',
  'support_email',
  'time_check_url',
  'public_url',
  // The privacy notice: PRIVACY_URL, or the bot's own /privacy page.
  'privacy_url',
] as const;
export type CentreWord = (typeof CENTRE_WORDS)[number];
/**
 * Words with a default: how long support takes to answer (SUPPORT_RESPONSE_TIME, like "1wd"), and
 * where questions the helpdesk does not answer go (PASSWORD_HELP_URL, STATUS_URL; the support form
 * when not set), and the centre's page on setting up two-factor that the knowledge base cites
 * (SETUP_GUIDE_URL; SUPPORT_URL when not set).
 */
export const OPTIONAL_WORDS = ['response_time', 'password_help_url', 'status_url', 'setup_guide_url'] as const;
export type CentreWords = Record<CentreWord, string> & Partial<Record<(typeof OPTIONAL_WORDS)[number], string>>;

const CONVERSATION_WORDS = ['user', 'ticket', 'title', 'limit', 'what', 'response_time', 'password_help_url', 'status_url', 'setup_guide_url', 'place'];

/**
 * Check data that only some outcomes carry (a pending token's timing), and durations in words that
 * the engine derives from the minutes fields ("2 hours 5 minutes", in the person's language).
 */
const EXTRA_CHECK_FIELDS = ['check.token.tryInMinutes', 'check.token.overdueInMinutes', 'check.token.since', 'check.token.tryIn', 'check.token.overdueIn'];

export function isKnownPlaceholder(name: string): boolean {
  if ((CENTRE_WORDS as readonly string[]).includes(name) || CONVERSATION_WORDS.includes(name) || EXTRA_CHECK_FIELDS.includes(name)) return true;
  const [head, id, field, ...rest] = name.split('.');
  if (head !== 'check' || !id || !field || rest.length || !isCheckId(id)) return false;
  return (CHECK_DATA_FIELDS[id] as readonly string[]).includes(field);
}
