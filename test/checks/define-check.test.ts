// "Add a check" (docs/architecture.md), tried: a check defined in one fixture file runs through the
// check runner beside the built-in ones, within its own time limit, and shows in the diagnostic
// report and in the staff report.
import { describe, expect, it } from 'vitest';
import { CHECKS, CHECK_IDS, type AnyCheck } from '../../src/checks/catalogue.ts';
import { createCheckRunner } from '../../src/checks/index.ts';
import { diagnose, formatReport } from '../../src/checks/diagnose.ts';
import { formatStaffReport } from '../../src/checks/staff-report.ts';
import type { CheckId } from '../../src/ports/checks.ts';
import { makeDeps } from '../helpers/fakes.ts';
import { maintenanceCheck } from '../fixtures/checks/maintenance.ts';

const HOUR = 3_600_000;

describe('a check defined in one file', () => {
  it('runs beside the built-in checks and shows in the report and the staff report', async () => {
    const deps = makeDeps();
    const now = deps.clock.now();
    const checks: AnyCheck[] = [...CHECKS, maintenanceCheck([{ fromMs: now - HOUR, untilMs: now + HOUR }])];
    const runner = createCheckRunner(deps, 5_000, () => {}, checks);
    const report = await diagnose(runner, {}, { user: 'alice', lang: 'sv' }, now);
    expect(report.checks.map((c) => c.id)).toEqual(['account', 'token', 'clock', 'maintenance']);
    const found = report.checks.find((c) => c.id === ('maintenance' as CheckId));
    expect(found).toMatchObject({ code: 'maintenance.ongoing', status: 'warn', data: { until: new Date(now + HOUR).toISOString().slice(0, 16).replace('T', ' ') } });
    expect(formatReport(report, 'sv')).toContain('Inloggningen är nere för underhåll till');
    const staff = formatStaffReport(report, 'sv', {});
    expect(staff).toMatch(/! maintenance .*Inloggningen är nere för underhåll.*\[maintenance\.ongoing\]/);
    // The built-in lines still read their typed data.
    expect(staff).toContain('[token.active]');
  });

  it('is not run where it was not given', async () => {
    const deps = makeDeps();
    const report = await diagnose(createCheckRunner(deps, 5_000), {}, { user: 'alice' }, deps.clock.now());
    expect(report.checks.map((c) => c.id)).toEqual(['account', 'token', 'clock']);
    expect(CHECK_IDS).not.toContain('maintenance');
  });

  it('answers its own "could not tell" within its own time limit, under the runner\'s', async () => {
    const deps = makeDeps();
    const hanging = maintenanceCheck([], { timeoutMs: 50, hang: true });
    const runner = createCheckRunner(deps, 60_000, () => {}, [...CHECKS, hanging]);
    const { result } = await runner.run('maintenance' as CheckId, { user: 'alice', lang: 'en' });
    expect(result).toMatchObject({ code: 'maintenance.unknown', status: 'unknown', summary: 'Could not tell whether there is maintenance.' });
  });

});
