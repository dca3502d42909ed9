// The centre's own words the flows' messages name ({centre}, {support_url}, …), from the configuration.
import type { Config } from '../config.ts';
import type { CentreWords } from '../flows/words.ts';

const DEFAULT_ENROLLMENT_PAGE = 'https://suprintegration.uppmax.uu.se/bootstrapotp/';

export function centreWords(config: Config, demoUrl?: string): CentreWords {
  return {
    centre: config.CENTRE_NAME,
    enrollment_url: config.ENROLLMENT_PAGE_URL ?? (demoUrl ? `${demoUrl}/enroll/` : DEFAULT_ENROLLMENT_PAGE),
    identity_service: config.IDENTITY_SERVICE,
    support_url: config.SUPPORT_URL,
    support_email: config.SUPPORT_EMAIL,
    time_check_url: config.TIME_CHECK_URL,
    public_url: config.PUBLIC_URL,
    privacy_url: config.PRIVACY_URL ?? `${config.PUBLIC_URL}/privacy`,
    response_time: config.SUPPORT_RESPONSE_TIME,
    password_help_url: config.PASSWORD_HELP_URL ?? `${config.PUBLIC_URL.replace(/\/$/, '')}/support`,
    status_url: config.STATUS_URL ?? `${config.PUBLIC_URL.replace(/\/$/, '')}/support`,
    setup_guide_url: config.SETUP_GUIDE_URL ?? config.SUPPORT_URL,
  };
}
