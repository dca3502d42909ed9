// "Add a check" (docs/architecture.md), tried: a check defined in one fixture file runs through the
// check runner beside the built-in ones, within its own time limit, and shows in the diagnostic
// report and in the staff report.
import { describe, expect, it } from 'vitest';
import { CHECKS, CHECK_BY_ID, CHECK_IDS, type AnyCheck } from '../../src/checks/catalogue.ts';
import { dataOf, fieldOf } from '../../src/checks/define.ts';
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

describe("a check's data, read through its schema", () => {
  it('reads one field typed, whatever the rest holds, and nothing when the field is not what the schema says', () => {
    const offset: number | null | undefined = fieldOf(CHECK_BY_ID.code, { data: { offsetSteps: -3 } }, 'offsetSteps');
    expect(offset).toBe(-3);
    expect(fieldOf(CHECK_BY_ID.code, { data: { offsetSteps: null } }, 'offsetSteps')).toBeNull();
    expect(fieldOf(CHECK_BY_ID.code, { data: { offsetSteps: '-3' } }, 'offsetSteps')).toBeUndefined();
    expect(fieldOf(CHECK_BY_ID.token, { data: { minutesSinceRegistration: Number.POSITIVE_INFINITY } }, 'minutesSinceRegistration')).toBeUndefined();
    expect(fieldOf(CHECK_BY_ID.network, { data: { ptr: ['host.example.org'] } }, 'ptr')).toEqual(['host.example.org']);
    // The whole data must fit for dataOf; one field is enough for fieldOf.
    expect(dataOf(CHECK_BY_ID.network, { data: { ptr: ['host.example.org'] } })).toBeUndefined();
  });
});
