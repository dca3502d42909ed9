import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlows } from '../../src/flows/loader.ts';
import { formatProblem } from '../../src/flows/problems.ts';
import { CHECK_CODES } from '../../src/checks/catalogue.ts';

const fixtures = path.join(import.meta.dirname, '../fixtures/broken-flows');

describe('the shipped flows', () => {
  const { flows, problems } = loadFlows(path.join(import.meta.dirname, '../../flows'));

  it('are valid, shape and graph', () => {
    expect(problems.map(formatProblem)).toEqual([]);
    expect([...flows.keys()].sort()).toEqual(['code_rejected', 'first_time_setup', 'human', 'lost_device', 'my_data', 'need_two_factor', 'no_account', 'nothing_received', 'token_not_active']);
  });

  it('cover every step of the first-time setup and every outcome the checklist needs', () => {
    const setup = flows.get('first_time_setup');
    for (let i = 1; i <= 9; i++) expect(Object.keys(setup?.messages ?? {})).toContain(`s${i}`);
    const rejected = flows.get('code_rejected');
    const handled = Object.values(rejected?.steps ?? {}).flatMap((s) => (s.kind === 'check' ? Object.keys(s.on) : []));
    for (const code of [...CHECK_CODES.account, ...CHECK_CODES.token, ...CHECK_CODES.code, ...CHECK_CODES.clock]) expect(handled).toContain(code);
  });
});

describe('broken flows are reported with file, flow, step and key', () => {
  it.each([
    ['bad-yaml', { flow: undefined, message: /not valid YAML/ }],
    ['unknown-target', { flow: 'broken', step: 'first', key: 'next', message: /unknown target "secnod"/ }],
    ['unreachable', { flow: 'broken', step: 'orphan', message: /unreachable/ }],
    ['unhandled-outcome', { flow: 'broken', step: 'token', key: 'on', message: /token\.none.*token\.disabled/ }],
    ['wrong-outcome', { flow: 'broken', step: 'token', key: 'on.clock.ok', message: /not an outcome of the token check/ }],
    ['unknown-placeholder', { flow: 'broken', step: 'first', key: 'say.en', message: /unknown placeholder \{centre_name\}/ }],
    ['missing-language', { flow: 'broken', key: 'messages.hello.sv', message: /./ }],
    ['two-kinds', { flow: 'broken', step: 'first', message: /exactly one of .*ask and input/ }],
    ['loop', { flow: 'broken', message: /without asking the person anything/ }],
    ['unknown-message', { flow: 'broken', step: 'first', key: 'say', message: /unknown message "no_such_message"/ }],
    ['code-not-to-check', { flow: 'broken', step: 'code', key: 'next', message: /straight to a code check/ }],
    ['unknown-flow', { flow: 'broken', step: 'jump', key: 'flow', message: /unknown flow "nowhere"/ }],
    ['no-human', { key: 'opens.human', message: /no hand-over flow/ }],
    ['duplicate-id', { flow: 'human', message: /already used/ }],
  ])('%s', (dir, expected) => {
    const { problems } = loadFlows(path.join(fixtures, dir));
    expect(problems.length).toBeGreaterThan(0);
    const { message, ...where } = expected;
    const match = problems.find((p) => message.test(p.message) && Object.entries(where).every(([k, v]) => p[k as keyof typeof p] === v));
    expect(match, problems.map(formatProblem).join('\n')).toBeDefined();
    expect(match?.file).toMatch(/\.yaml$/);
    expect(formatProblem(match!)).toContain(path.basename(match!.file));
  });

  it('a missing folder is a problem, not a crash', () => {
    expect(loadFlows('/nonexistent/flows').problems[0]?.message).toMatch(/cannot read the flow folder/);
  });
});
