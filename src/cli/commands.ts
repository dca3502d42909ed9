// What each command of `2fa-helpdesk` does (src/cli.ts holds their usage and dispatches to them).
// Loaded only when a command runs, so `--help` and a mistyped option load none of it.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig, replicaName, type Config } from '../config.ts';
import { createInterface } from 'node:readline';
import { loadFlows, loadFlowsOrThrow } from '../flows/loader.ts';
import { understandAsChat } from '../engine/understand.ts';
import { cleanInput } from '../understanding/input.ts';
import { trainUnderstanding } from '../understanding/training.ts';
import { exampleWarnings } from '../understanding/example-warnings.ts';
import { LABELLED_FILES, evaluate, formatEvaluation, loadCases, positionAt } from '../understanding/evaluate.ts';
import { factIn, factRuleProblems, factRulesOf } from '../understanding/fact-rules.ts';
import { knowledgeProblems } from '../understanding/knowledge-match.ts';
import { formatProblem } from '../flows/problems.ts';
import { parseIp, parseUsername, parseCode } from '../understanding/input.ts';
import { isTimeZone, parseDeviceTime, wallInZone } from '../checks/device-time.ts';
import { formatStaffReport } from '../checks/staff-report.ts';
import { formatReport } from '../checks/diagnose.ts';
import { isLang, type Lang } from '../i18n/index.ts';
import { HelpdeskError } from '../errors.ts';
import { stdio, type Io } from './io.ts';

// The heavy parts (Bolt, discord.js, the web server, the store) load only for the command that
// needs them, so `flows check` and `understand` start at once.
const helpdeskModule = () => import('../main.ts');
const terminalModule = () => import('../channels/terminal/chat.ts');

/** Bad input on the command line: exit 2 with the one-line reason. */
const usage = (message: string) => new HelpdeskError('input.invalid', message);

function config(env: NodeJS.ProcessEnv, overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...env, ...overrides });
}

function lang(value: string | undefined): Lang | undefined {
  if (value === undefined) return undefined;
  if (!isLang(value)) throw usage(`--lang must be en or sv (got "${value}")`);
  return value;
}

async function flowsCheck(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const dir = args[0] ?? env.FLOWS_DIR ?? './flows';
  const loaded = loadFlows(dir);
  const { flows, intents, knowledge, facts } = loaded;
  // The phrases of the fact rules and the knowledge base's questions are the understanding's to check.
  const problems = [...loaded.problems, ...(loaded.problems.length ? [] : [...factRuleProblems(flows), ...knowledgeProblems(flows)])];
  if (problems.length) {
    for (const p of problems) io.err(`${formatProblem(p)}\n`);
    io.err(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${dir}\n`);
    return 2;
  }
  for (const w of exampleWarnings(flows, intents)) io.err(`warning: ${w}\n`);
  io.out(`${flows.size} flows in ${dir} are valid: ${[...flows.keys()].join(', ')}\n`);
  if (knowledge.size) io.out(`${knowledge.size} knowledge entries are valid: ${[...knowledge.keys()].join(', ')}\n`);
  if (facts.size) io.out(`${facts.size} facts written as rules are valid: ${[...facts.keys()].join(', ')}\n`);
  return 0;
}

/** `flows test --conversations [DIR]`: every conversation test, each failure with its transcript. */
async function conversationsTest(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const dir = args[0] ?? 'test/conversations';
  const { worldFromFolder, runConversationFolder, formatOutcome } = await import('../conversation-tests/suite.ts');
  const outcomes = await runConversationFolder(worldFromFolder(env.FLOWS_DIR ?? './flows'), dir);
  const failed = outcomes.filter((o) => o.failures.length);
  for (const o of outcomes) (o.failures.length ? io.err : io.out)(formatOutcome(o));
  io.out(`${outcomes.length - failed.length} of ${outcomes.length} conversations passed${failed.length ? `; ${failed.length} failed` : ''}\n`);
  return failed.length ? 1 : 0;
}

/** `--min PERCENT`: the accuracy a file of labelled messages must reach, or the command exits 1. */
function minimum(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) > 100) throw usage(`--min must be a percentage from 0 to 100 (got "${value}")`);
  return Number(value);
}

async function flowsTest(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { conversations: { type: 'boolean', default: false }, min: { type: 'string' } }, allowPositionals: true, strict: true });
  if (values.conversations) return conversationsTest(positionals, io, env);
  const min = minimum(values.min);
  const files = positionals.length ? positionals : LABELLED_FILES;
  const { flows, intents } = loadFlowsOrThrow(env.FLOWS_DIR ?? './flows');
  const understanding = trainUnderstanding(flows, intents);
  const results = files.map((file) => ({ file, e: evaluate({ flows, understanding }, loadCases(file)) }));
  io.out(results.map((r) => formatEvaluation(r.e, r.file)).join('\n\n') + '\n');
  const under = min === undefined ? [] : results.filter((r) => r.e.accuracy * 100 < min);
  for (const r of under) io.err(`${r.file}: ${Math.round(r.e.accuracy * 1000) / 10}% understood, under --min ${min}%\n`);
  return under.length ? 1 : 0;
}

async function watchesCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { overdue: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } }, strict: true });
  const cfg = config(env, env.LOG_LEVEL ? {} : { LOG_LEVEL: 'error' });
  const [{ openDatabase }, { SqlStore }, { SqlWatches }, { createLog }] = await Promise.all([
    import('../adapters/sql/open.ts'),
    import('../adapters/sql/store.ts'),
    import('../adapters/sql-watches.ts'),
    import('../app/observability.ts'),
  ]);
  const store = await SqlStore.open(await openDatabase(cfg, createLog(cfg, replicaName(cfg))));
  try {
    const now = Date.now();
    const open = (await new SqlWatches(store.db).list({ state: 'open' })).filter((w) => !values.overdue || w.overdueTicket);
    if (values.json) {
      for (const w of open) io.out(`${JSON.stringify({ user: w.user, channel: w.channel, conversation: w.conversationId, since: new Date(w.createdAt).toISOString(), nextCheck: new Date(w.nextCheckAt).toISOString(), overdueTicket: w.overdueTicket ?? null })}\n`);
      return 0;
    }
    if (!open.length) {
      io.out(values.overdue ? 'No overdue watches.\n' : 'No open watches.\n');
      return 0;
    }
    for (const w of open) {
      const minutes = Math.round((now - w.createdAt) / 60_000);
      io.out(`${w.user.padEnd(20)} ${w.channel.padEnd(8)} watched ${String(minutes).padStart(4)} min${w.overdueTicket ? `  overdue, ticket ${w.overdueTicket}` : ''}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** Placeholders in what `understand` runs through: nothing of them is printed. */
const UNDERSTAND_WORDS = { centre: 'the centre', enrollment_url: '', identity_service: '', support_url: '', support_email: '', time_check_url: '', privacy_url: '', public_url: 'http://localhost' };

async function understandCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { lang: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const fixed = lang(values.lang);
  const { flows, intents } = loadFlowsOrThrow(env.FLOWS_DIR ?? './flows');
  const understanding = trainUnderstanding(flows, intents);
  const at = positionAt({ flows, understanding }, values.at);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const takeover = factRulesOf(flows).get('takeover');
  for await (const line of lines) {
    const text = cleanInput(line).text;
    if (!text) continue;
    // The chat's own turn: the language, meaning and next step are what a conversation there would get.
    const u = understandAsChat({ flows, understanding, words: UNDERSTAND_WORDS, now: Date.now(), codeKey: 'understand' }, at, text, fixed);
    // Which rule of flows/facts/takeover.yaml heard a takeover, and by which phrases.
    const heard = takeover ? factIn(takeover, text) : undefined;
    const row = { text, lang: u.lang, topic: u.topic, intent: u.intent, confidence: u.confidence, action: u.action, choice: u.choice, knowledge: u.knowledge, takeover: heard ?? null, then: u.then };
    io.out(values.json ? `${JSON.stringify(row)}\n` : `${u.action.padEnd(8)} ${String(u.intent ?? '-').padEnd(18)} ${u.confidence.toFixed(2)}  ${u.lang}  ${heard ? '[takeover] ' : ''}${text}\n`);
  }
  return 0;
}

async function chat(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { lang: { type: 'string' }, user: { type: 'string' }, session: { type: 'string' } }, strict: true });
  const l = lang(values.lang);
  const user = values.user === undefined ? undefined : parseUsername(values.user);
  if (values.user !== undefined && !user) throw usage(`--user must be a username or an e-mail address (got "${values.user}")`);
  // The terminal is for people: only real problems go to stderr unless LOG_LEVEL says otherwise.
  const cfg = config(env, env.LOG_LEVEL ? {} : { LOG_LEVEL: 'error' });
  const [{ createHelpdesk }, { runTerminalChat }, { channelContext }] = await Promise.all([helpdeskModule(), terminalModule(), import('../app/channel-context.ts')]);
  const app = await createHelpdesk(cfg);
  const ctx = channelContext(app);
  try {
    const who = values.session ?? user ?? os.userInfo().username;
    await runTerminalChat({
      conversations: ctx.conversations,
      input: process.stdin,
      output: process.stdout,
      conversationId: `terminal:${who}`,
      ...(l ? { lang: l } : {}),
      ...(user ? { user } : {}),
      interactive: Boolean(process.stdin.isTTY),
      delivery: ctx.delivery,
    });
    await app.tickets.drain();
  } finally {
    await app.close();
  }
  return 0;
}

async function diagnoseCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'string' },
      ip: { type: 'string' },
      'device-time': { type: 'string' },
      code: { type: 'string' },
      json: { type: 'boolean', default: false },
      lang: { type: 'string' },
      for: { type: 'string', default: 'staff' },
      tz: { type: 'string' },
    },
    strict: true,
  });
  // The time a person reads off their device is the time at the moment the command was given.
  const givenAt = Math.round(performance.timeOrigin);
  if (!values.user) throw usage('--user is required (a username or an e-mail address)');
  const user = parseUsername(values.user);
  if (!user) throw usage(`--user must be a username or an e-mail address (got "${values.user}")`);
  const ip = values.ip === undefined ? undefined : parseIp(values.ip);
  if (values.ip !== undefined && !ip) throw usage(`--ip must be an IPv4 or IPv6 address (got "${values.ip}")`);
  if (values['device-time'] !== undefined && !parseDeviceTime(values['device-time'])) {
    throw usage(`--device-time must be an ISO 8601 time such as 2026-11-27T14:32:05+01:00, or HH:MM:SS (got "${values['device-time']}")`);
  }
  if (values.for !== 'staff' && values.for !== 'user') throw usage(`--for must be staff or user (got "${values.for}")`);
  if (values.tz !== undefined && !isTimeZone(values.tz)) throw usage(`--tz must be a time zone such as Europe/Stockholm or UTC (got "${values.tz}")`);
  let deviceTime = values['device-time'];
  const parsedTime = deviceTime === undefined ? undefined : parseDeviceTime(deviceTime);
  if (values.tz && parsedTime?.kind === 'wall') {
    const inZone = wallInZone(parsedTime, values.tz, givenAt);
    if (inZone.kind === 'instant') deviceTime = new Date(inZone.ms).toISOString();
  }
  const code = values.code === undefined ? undefined : parseCode(values.code);
  if (values.code !== undefined && !code) throw usage('--code must be 6 to 8 digits');
  const l = lang(values.lang) ?? 'en';
  const cfg = config(env, env.LOG_LEVEL ? {} : { LOG_LEVEL: 'error' });
  const { createDiagnosis } = await import('../app/diagnosis.ts');
  const app = await createDiagnosis(cfg);
  try {
    const report = await app.diagnose({
      user,
      lang: l,
      ...(ip ? { ip } : {}),
      ...(code ? { code } : {}),
      ...(deviceTime ? { deviceTime, deviceTimeAt: givenAt } : {}),
    });
    const readable = values.for === 'user' ? formatReport(report, l) : formatStaffReport(report, l, { ...app.words });
    io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${readable}\n`);
    return 0;
  } finally {
    await app.close();
  }
}

async function serve(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const { serve: run } = await import('../app/serve.ts');
  return run(config(env), env, io, Boolean(process.stdin.isTTY && process.stdout.isTTY));
}


async function flowsCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  if (args[0] === 'check') return flowsCheck(args.slice(1), io, env);
  if (args[0] === 'test') return flowsTest(args.slice(1), io, env);
  throw usage('usage: 2fa-helpdesk flows check [DIR] | flows test [FILE...] [--min PERCENT] | flows test --conversations [DIR]; see 2fa-helpdesk flows --help');
}

async function discordCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  if (args[0] !== 'register') throw usage('usage: 2fa-helpdesk discord register');
  const [{ registerCommands }, { discordSettings }] = await Promise.all([import('../channels/discord/commands.ts'), import('../channels/discord/settings.ts')]);
  const r = await registerCommands(discordSettings.parse(config(env)));
  io.out(`registered ${r.count} commands for ${r.scope}\n`);
  return 0;
}

async function privacy(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const [{ privacyCommand }, { createLogger }, { channelLogRules }] = await Promise.all([import('../app/privacy.ts'), import('../adapters/logger.ts'), import('../app/observability.ts')]);
  // On a terminal forget asks before it erases (the question on stderr; stdout stays the JSON report).
  const confirm =
    io === stdio && process.stdin.isTTY
      ? async (question: string) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
          rl.close();
          return /^(y|yes|j|ja)$/i.test(answer.trim());
        }
      : undefined;
  // The audit line is written whatever LOG_LEVEL says.
  return privacyCommand(args, { ...io, ...(confirm ? { confirm } : {}) }, config(env), createLogger('info', (line) => io.err(line), {}, { channels: channelLogRules() }));
}

async function report(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { reportCommand } = await import('../app/report.ts');
  const cfg = config(env, env.LOG_LEVEL ? {} : { LOG_LEVEL: 'error' });
  return reportCommand(args, io, cfg, Date.now(), cfg.STAFF_LANG);
}


/** What runs for each command of the table in src/cli.ts. */
export const RUNS = {
  serve,
  chat,
  diagnose: diagnoseCommand,
  flows: flowsCommand,
  watches: watchesCommand,
  understand: understandCommand,
  report,
  discord: discordCommand,
  privacy,
} satisfies Record<string, (args: string[], io: Io, env: NodeJS.ProcessEnv) => Promise<number>>;
