// The back-ends' slice of the environment: where accounts and tokens come from (ACCOUNTS_BACKEND,
// TOKENS_BACKEND) and each back-end's own settings. Merged into the schema in config.ts.
import { existsSync } from 'node:fs';
import { z } from 'zod';

/** Keys whose values are secrets: an error about them never repeats the value. */
export const SECRET_KEYS = new Set(['LDAP_BIND_PASSWORD', 'PRIVACYIDEA_PASSWORD', 'PRIVACYIDEA_API_KEY', 'ENROLLMENT_API_TOKEN']);

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'true or false' })
    .default(def ? 'true' : 'false')
    .transform((v) => ['true', '1', 'yes'].includes(v));

const file = (what: string) => z.string().refine((p) => existsSync(p), `${what}: a file that exists`);

const attribute = (def: string) =>
  z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'an LDAP attribute name (letters, digits and -)').default(def);

const filterWith = (placeholder: string, def: string) =>
  z
    .string()
    .default(def)
    .refine((f) => f.startsWith('(') && f.endsWith(')') && f.includes(placeholder), `an LDAP filter in parentheses containing ${placeholder}`);

export const BackendsEnv = {
  ACCOUNTS_BACKEND: z.enum(['enrollment-api', 'ldap'], { error: 'enrollment-api or ldap' }).default('enrollment-api'),
  TOKENS_BACKEND: z.enum(['enrollment-api', 'privacyidea', 'ldap-otp'], { error: 'enrollment-api, privacyidea or ldap-otp' }).default('enrollment-api'),

  LDAP_URL: z.url({ protocol: /^ldaps?$/, error: 'an ldap:// or ldaps:// URL, like ldaps://ldap.example.org' }).optional(),
  LDAP_BIND_DN: z.string().min(3, 'a DN, like cn=helpdesk,ou=services,dc=example,dc=org').optional(),
  LDAP_BIND_PASSWORD: z.string().min(1).optional(),
  LDAP_BASE_DN: z.string().regex(/^[A-Za-z]+=/, 'a DN, like ou=people,dc=example,dc=org').optional(),
  LDAP_USER_FILTER: filterWith('{username}', '(&(objectClass=posixAccount)(uid={username}))'),
  LDAP_EMAIL_FILTER: filterWith('{email}', '(&(objectClass=posixAccount)(mail={email}))'),
  LDAP_STARTTLS: bool(false),
  LDAP_CA_FILE: file('LDAP_CA_FILE').optional(),
  LDAP_NOLOGIN_SHELLS: z
    .string()
    .default('/sbin/nologin,/usr/sbin/nologin,/bin/false,/usr/bin/false')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((xs) => xs.every((s) => s.startsWith('/')), 'absolute paths separated by commas, like /sbin/nologin,/bin/false'),
  // Attribute names (defaults: OpenLDAP with inetOrgPerson + posixAccount + shadowAccount + ppolicy).
  LDAP_USERNAME_ATTRIBUTE: attribute('uid'),
  LDAP_EMAIL_ATTRIBUTE: attribute('mail'),
  LDAP_EXPIRE_ATTRIBUTE: attribute('shadowExpire'),
  LDAP_SHELL_ATTRIBUTE: attribute('loginShell'),
  LDAP_LOCKED_ATTRIBUTE: attribute('pwdAccountLockedTime'),

  PRIVACYIDEA_URL: z.url({ protocol: /^https?$/, error: 'PRIVACYIDEA_URL: an http(s) URL, like https://pi.example.org' }).optional(),
  PRIVACYIDEA_REALM: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a realm name (letters, digits and _ . -)').optional(),
  PRIVACYIDEA_USER: z.string().min(1).optional(),
  PRIVACYIDEA_PASSWORD: z.string().min(1).optional(),
  PRIVACYIDEA_API_KEY: z.string().min(16, 'at least 16 characters (a token from pi-manage api createtoken)').optional(),
  PRIVACYIDEA_VERIFY: z.enum(['off', 'otponly'], { error: 'off or otponly' }).default('off'),
  PRIVACYIDEA_CA_FILE: file('PRIVACYIDEA_CA_FILE').optional(),
};

const BackendsSchema = z.object(BackendsEnv);
export type BackendsConfig = z.infer<typeof BackendsSchema>;

/** Rules across keys; one line each, naming the key. */
export function backendsProblems(c: BackendsConfig): string[] {
  const errors: string[] = [];
  const ldap = c.ACCOUNTS_BACKEND === 'ldap' || c.TOKENS_BACKEND === 'ldap-otp';
  if (ldap && !c.LDAP_URL) errors.push(`LDAP_URL: expected with ${c.ACCOUNTS_BACKEND === 'ldap' ? 'ACCOUNTS_BACKEND=ldap' : 'TOKENS_BACKEND=ldap-otp'}`);
  if (ldap && !c.LDAP_BASE_DN) errors.push('LDAP_BASE_DN: expected with an LDAP back-end (where the accounts are, like ou=people,dc=example,dc=org)');
  if (c.LDAP_BIND_DN && !c.LDAP_BIND_PASSWORD) errors.push('LDAP_BIND_PASSWORD: expected with LDAP_BIND_DN');
  if (c.LDAP_BIND_PASSWORD && !c.LDAP_BIND_DN) errors.push('LDAP_BIND_DN: expected with LDAP_BIND_PASSWORD');
  if (c.LDAP_STARTTLS && c.LDAP_URL?.startsWith('ldaps:')) errors.push('LDAP_STARTTLS: expected false with an ldaps:// LDAP_URL (it is encrypted already)');
  if (c.TOKENS_BACKEND === 'privacyidea') {
    if (!c.PRIVACYIDEA_URL) errors.push('PRIVACYIDEA_URL: expected with TOKENS_BACKEND=privacyidea');
    if (!c.PRIVACYIDEA_REALM) errors.push('PRIVACYIDEA_REALM: expected with TOKENS_BACKEND=privacyidea (the realm of the users)');
    if (!c.PRIVACYIDEA_API_KEY && !(c.PRIVACYIDEA_USER && c.PRIVACYIDEA_PASSWORD)) {
      errors.push('PRIVACYIDEA_USER: expected PRIVACYIDEA_USER and PRIVACYIDEA_PASSWORD, or PRIVACYIDEA_API_KEY, with TOKENS_BACKEND=privacyidea');
    }
  }
  if (c.PRIVACYIDEA_API_KEY && (c.PRIVACYIDEA_USER || c.PRIVACYIDEA_PASSWORD)) errors.push('PRIVACYIDEA_API_KEY: expected either it or PRIVACYIDEA_USER + PRIVACYIDEA_PASSWORD, not both');
  return errors;
}
