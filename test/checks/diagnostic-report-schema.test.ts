// docs/diagnostic-report.schema.json against real reports: every demo user, with and without a code,
// a device time and an address (DNS and NTP peers on loopback), in both languages, all validate;
// the schema's codes are the checks' codes, every check's data fits its definition's schema, and a
// report with a code of the wrong check does not.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk } from '../../src/main.ts';
import { CHECK_BY_ID, CHECK_CODES, isCheckId } from '../../src/checks/catalogue.ts';
import { baseEnv, tempDataDir } from '../helpers/cli.ts';
import { recordingLogger, SECRETS } from '../helpers/fakes.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';
import { startDnsServer, standardZone, type DnsPeer } from '../peers/dns-server.ts';
import { startNtpServer, type NtpPeer } from '../peers/ntp-server.ts';

const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../docs/diagnostic-report.schema.json'), 'utf8')) as {
  $defs: { check: { oneOf: Array<{ properties: { id: { const: string }; code: { enum: string[] } } }> } };
};
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const validate = addFormats(new Ajv2020({ strict: true, allErrors: true })).compile(schema);

let dns: DnsPeer;
let ntp: NtpPeer;
let app: Awaited<ReturnType<typeof createHelpdesk>>;
beforeAll(async () => {
  dns = await startDnsServer(standardZone());
  ntp = await startNtpServer(45_000);
  app = await createHelpdesk(loadConfig(baseEnv({ DATA_DIR: tempDataDir(), DNS_SERVERS: dns.spec, NTP_SERVERS: ntp.spec })), { log: recordingLogger() });
});
afterAll(async () => {
  await app.close();
  await dns.close();
  await ntp.close();
});

describe('the diagnostic report schema', () => {
  it("names each check's codes, as the checks do", () => {
    const byId = Object.fromEntries(schema.$defs.check.oneOf.map((c) => [c.properties.id.const, c.properties.code.enum]));
    expect(byId).toEqual(Object.fromEntries(Object.entries(CHECK_CODES).map(([id, codes]) => [id, [...codes]])));
  });

  it('every report of every demo user validates, with a code, a device time and an address or without', async () => {
    const seen = new Set<string>();
    const ips = ['192.0.2.10', '192.0.2.20', '192.0.2.40', '192.0.2.50', '10.1.2.3', '203.0.113.9'];
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'nobody', 'alice@example.org'];
    for (const [i, user] of users.entries()) {
      const secret = SECRETS[user.replace(/@.*/, '')];
      const requests = [
        { user },
        {
          user,
          ip: ips[i % ips.length] as string,
          deviceTime: new Date(Date.now() - (i % 2 ? 120_000 : 15_000)).toISOString(),
          ...(secret ? { code: oathtoolCode(secret, Date.now() + (i % 3) * 30_000 - 60_000) } : { code: '123456' }),
          lang: i % 2 ? ('sv' as const) : ('en' as const),
        },
      ];
      for (const req of requests) {
        const report = JSON.parse(JSON.stringify(await app.diagnose(req))) as { checks: Array<{ id: string; code: string; data: unknown }> };
        expect(validate(report) ? [] : validate.errors, `${JSON.stringify(req)}`).toEqual([]);
        for (const c of report.checks) {
          seen.add(c.code);
          // The data fits its check's own schema too, the one staff reports read it with.
          const own = isCheckId(c.id) ? CHECK_BY_ID[c.id].data.safeParse(c.data) : undefined;
          expect(own?.error?.issues ?? own?.success, `${c.code} ${JSON.stringify(c.data)}`).toBe(true);
        }
      }
    }
    // The reports above reach most outcomes; they are what the schema was checked against.
    expect(seen.size).toBeGreaterThanOrEqual(15);
  });

  it('refuses a report whose check carries another check\'s code, or lacks its data', async () => {
    const report = JSON.parse(JSON.stringify(await app.diagnose({ user: 'alice' }))) as { checks: Array<{ id: string; code: string; data: Record<string, unknown> }> };
    expect(validate(report)).toBe(true);
    const wrongCode = structuredClone(report);
    (wrongCode.checks[0] as { code: string }).code = 'token.active';
    expect(validate(wrongCode)).toBe(false);
    const noData = structuredClone(report);
    delete (noData.checks[1] as { data: Record<string, unknown> }).data.state;
    expect(validate(noData)).toBe(false);
  });
});
