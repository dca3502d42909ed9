// A back-end's adapter is loaded only when it is configured: `diagnose` against the Enrollment API
// never loads the LDAP client (ldapts) nor the privacyIDEA client, nor the embedded demo when
// ENROLLMENT_API_URL is set; a configuration that names them loads them.
import { describe, expect, it, vi } from 'vitest';
import { createBackends } from '../../src/app/backend.ts';
import { createDiagnosis } from '../../src/app/diagnosis.ts';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/ports/time.ts';
import { silentLogger } from '../../src/ports/logger.ts';

// Each module's mock factory runs when the module is first imported in this file: `loaded` holds
// every adapter loaded since the file started (its own imports included), test after test, so the
// tests run in this order: nothing loaded, then the demo alone, then LDAP and privacyIDEA.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock('../../src/adapters/ldap-connection.ts', async (original) => (loaded.add('ldap'), original()));
vi.mock('../../src/adapters/privacyidea-http.ts', async (original) => (loaded.add('privacyidea'), original()));
vi.mock('../../src/adapters/demo-enrollment.ts', async (original) => (loaded.add('demo'), original()));

const base = { DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent', NTP_SERVERS: '', DNS_SERVERS: '127.0.0.1:9' };
const quiet = { clock: systemClock, log: silentLogger, metrics: { observe: () => {}, count: () => {} } };

describe('back-end adapters load when configured', () => {
  it('diagnose against an Enrollment API loads no LDAP, privacyIDEA or demo adapter', async () => {
    const diagnosis = await createDiagnosis(loadConfig({ ...base, ENROLLMENT_API_URL: 'http://127.0.0.1:9', ENROLLMENT_API_TOKEN: 'x' }), { log: silentLogger });
    await diagnosis.close();
    expect([...loaded]).toEqual([]);
  });

  it('the Enrollment API without a URL loads the embedded demo only', async () => {
    const backends = await createBackends(loadConfig(base), quiet);
    await backends.close();
    expect([...loaded]).toEqual(['demo']);
  });

  it('LDAP accounts with privacyIDEA tokens load those two', async () => {
    const before = new Set(loaded);
    const config = loadConfig({
      ...base,
      ACCOUNTS_BACKEND: 'ldap',
      LDAP_URL: 'ldap://127.0.0.1:9',
      LDAP_BASE_DN: 'ou=people,dc=example,dc=org',
      TOKENS_BACKEND: 'privacyidea',
      PRIVACYIDEA_URL: 'http://127.0.0.1:9',
      PRIVACYIDEA_REALM: 'people',
      PRIVACYIDEA_API_KEY: 'key-of-sixteen-characters',
    });
    const backends = await createBackends(config, quiet);
    await backends.close();
    // Only what this test loaded: a module is loaded once per file (the demo, by the test before).
    expect([...loaded].filter((m) => !before.has(m))).toEqual(['ldap', 'privacyidea']);
  });
});
