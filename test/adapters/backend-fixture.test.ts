// "Add a back-end" (docs/architecture.md), tried: an account directory in one fixture file (a
// centre's nightly JSON export of its accounts) answers the account directory's contract as the
// in-memory fake does, and the checks, a diagnostic report and the staff report work over it; a file
// it cannot read is an `unavailable` outcome naming the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoUsers } from '../../src/adapters/demo-enrollment.ts';
import { createCheckRunner } from '../../src/checks/index.ts';
import { diagnose } from '../../src/checks/diagnose.ts';
import { formatStaffReport } from '../../src/checks/staff-report.ts';
import type { AccountDirectory } from '../../src/ports/account-directory.ts';
import { systemClock } from '../../src/ports/time.ts';
import { FakeEnrollment, makeDeps } from '../helpers/fakes.ts';
import { AccountsFile } from '../fixtures/backends/accounts-file.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'accounts-file-'));
const file = path.join(dir, 'accounts.json');
writeFileSync(file, JSON.stringify({ accounts: demoUsers().map(({ username, email, status }) => ({ username, email, status })) }));

const implementations: Array<[string, () => AccountDirectory]> = [
  ['in-memory fake', () => new FakeEnrollment(systemClock)],
  ['accounts file', () => new AccountsFile(file)],
];

describe.each(implementations)('AccountDirectory contract: %s', (_name, make) => {
  it('finds accounts by username and by e-mail, and says not-found for an unknown name', async () => {
    const port = make();
    expect(await port.getAccount('alice')).toMatchObject({ ok: true, value: { username: 'alice', email: 'alice@example.org', status: 'active' } });
    expect(await port.getAccount('frank')).toMatchObject({ ok: true, value: { status: 'expired' } });
    expect(await port.getAccount('nobody')).toMatchObject({ ok: false, reason: 'not-found' });
    expect(await port.findAccountsByEmail('bob@example.org')).toMatchObject({ ok: true, value: [{ username: 'bob' }] });
    expect(await port.findAccountsByEmail('nobody@example.org')).toEqual({ ok: true, value: [] });
  });
});

describe('a back-end added in one file', () => {
  it('answers the checks: a report and a staff report over it', async () => {
    const deps = makeDeps({ accounts: new AccountsFile(file) });
    const runner = createCheckRunner(deps, 5_000);
    const frank = await diagnose(runner, {}, { user: 'frank', lang: 'en' }, deps.clock.now());
    expect(frank.checks.find((c) => c.id === 'account')).toMatchObject({ code: 'account.inactive', data: { username: 'frank', status: 'expired' } });
    // An e-mail address is looked up in the file, and the token check follows to the account's tokens.
    const bob = await diagnose(runner, {}, { user: 'bob@example.org', lang: 'en' }, deps.clock.now());
    expect(bob.checks.map((c) => c.code)).toEqual(['account.found', 'token.pending', 'clock.unmeasured']);
    expect(formatStaffReport(bob, 'en', {})).toContain('bob');
  });

  it('a file it cannot read is unavailable, not a crash, and the reason names the file', async () => {
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ accounts: [{ username: 'alice' }] }));
    for (const f of [broken, path.join(dir, 'missing.json')]) {
      const deps = makeDeps({ accounts: new AccountsFile(f) });
      const report = await diagnose(createCheckRunner(deps, 5_000), {}, { user: 'alice', lang: 'sv' }, deps.clock.now());
      expect(report.checks.find((c) => c.id === 'account')).toMatchObject({ code: 'account.unavailable', status: 'unknown' });
      expect(String(report.checks[0]?.data.reason)).toContain(f);
    }
  });
});
