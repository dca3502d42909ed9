// The `2fa-helpdesk` command: serve, chat, diagnose, flows check. Exit codes: 0 done, 1 internal
// fault, 2 bad input or configuration (one line per problem on stderr).
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig, replicaName, type Config } from './config.ts';
import { createInterface } from 'node:readline';
import { loadFlows, loadFlowsOrThrow } from './engine/loader.ts';
import { interpret } from './engine/interpret.ts';
import { cleanInput } from './engine/input.ts';
import { trainUnderstanding } from './understanding/train.ts';
import { exampleWarnings } from './understanding/warnings.ts';
import { LABELLED_FILES, evaluate, formatEvaluation, loadCases, snapshotAt } from './understanding/evaluate.ts';
import { formatProblem } from './engine/problems.ts';
import { parseIp, parseUsername, parseCode } from './engine/input.ts';
import { isTimeZone, parseDeviceTime, wallInZone } from './checks/device-time.ts';
import { formatStaffReport } from './checks/staff-report.ts';
import { formatReport } from './checks/diagnose.ts';
import { isLang, type Lang } from './i18n/index.ts';
import type { SlackChannel } from './channels/slack/slack-channel.ts';
import type { DiscordChannel } from './channels/discord/discord-channel.ts';
import type { MetricsServer } from './adapters/metrics-server.ts';

// The heavy parts (Bolt, discord.js, the web server, the store) load only for the command that
// needs them, so `--help`, `flows check` and `understand` start at once.
const helpdeskModule = () => import('./main.ts');
const terminalModule = () => import('./channels/terminal/chat.ts');
import { HelpdeskError } from './errors.ts';

const USAGE = `Usage: 2fa-helpdesk <command>

  serve                      the web support page (and a terminal chat when run in a terminal)
  chat [--lang en|sv] [--user NAME] [--session ID]
                             a conversation on stdin/stdout; works piped
  diagnose --user NAME|EMAIL [--ip ADDR] [--device-time TIME [--tz ZONE]] [--code DIGITS]
           [--json] [--lang en|sv] [--for staff|user]
                             one diagnostic report, in a staff voice (--for user: the wording
                             for the person, to paste into a reply). --device-time is what the
                             person's device showed at the moment you gave the command (an ISO
                             8601 time, or HH:MM:SS as read off the phone; with --tz the zone it
                             is in, e.g. Europe/Stockholm, else any zone, to within 7.5 minutes)
  flows check [DIR]          validate the flows (default: FLOWS_DIR or ./flows), and warn about thin
                             or colliding examples
  flows test [FILE]          how well free text is understood, on a file of labelled messages
                             (default: test/understanding/messages.yaml): accuracy per label and
                             language, and the confusions
  flows test --conversations [DIR]
                             run the conversation tests (default: test/conversations/*.yaml) through
                             the real engine; prints each failed expectation with its transcript
  watches [--overdue] [--json]
                             open watches on pending tokens ("tell me when it is active"); with
                             --overdue only those past TOKEN_OVERDUE_MINUTES (a ticket is open)
  understand [--lang en|sv] [--at FLOW.STEP] [--json]
                             one message a line on stdin: how each is understood (without --at, as
                             the first message of a conversation)
  discord register           register the Discord slash commands (npm run discord:register)
  privacy export|forget --user NAME|EMAIL [--slack ID] [--discord ID]
                             everything the bot holds about one person, as one JSON document; or
                             erase it (tickets already in the centre's ticket system are listed)

Configuration comes from the environment; see .env.example.`;

class UsageError extends Error {}

/**
 * How long `serve` gives itself to stop cleanly after SIGTERM or SIGINT: the stated 4 s less what
 * leaving the process takes after it (a hung relay made the whole stop 4.2 s at 4000).
 */
const STOP_DEADLINE_MS = 3500;

type Io = { out: (s: string) => void; err: (s: string) => void };
const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

function config(env: NodeJS.ProcessEnv, overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...env, ...overrides });
}

function lang(value: string | undefined): Lang | undefined {
  if (value === undefined) return undefined;
  if (!isLang(value)) throw new UsageError(`--lang must be en or sv (got "${value}")`);
  return value;
}

async function flowsCheck(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const dir = args[0] ?? env.FLOWS_DIR ?? './flows';
  const { flows, intents, problems } = loadFlows(dir);
  if (problems.length) {
    for (const p of problems) io.err(`${formatProblem(p)}\n`);
    io.err(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${dir}\n`);
    return 2;
  }
  for (const w of exampleWarnings(flows, intents)) io.err(`warning: ${w}\n`);
  io.out(`${flows.size} flows in ${dir} are valid: ${[...flows.keys()].join(', ')}\n`);
  return 0;
}

/** `flows test --conversations [DIR]`: every conversation test, each failure with its transcript. */
async function conversationsTest(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const dir = args[0] ?? 'test/conversations';
  const { worldFromFolder, runConversationFolder, formatOutcome } = await import('./conversation-tests/suite.ts');
  const outcomes = await runConversationFolder(worldFromFolder(env.FLOWS_DIR ?? './flows'), dir);
  const failed = outcomes.filter((o) => o.failures.length);
  for (const o of outcomes) (o.failures.length ? io.err : io.out)(formatOutcome(o));
  io.out(`${outcomes.length - failed.length} of ${outcomes.length} conversations passed${failed.length ? `; ${failed.length} failed` : ''}\n`);
  return failed.length ? 1 : 0;
}

async function flowsTest(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  if (args[0] === '--conversations') return conversationsTest(args.slice(1), io, env);
  const files = args.length ? args : LABELLED_FILES;
  const { flows, intents } = loadFlowsOrThrow(env.FLOWS_DIR ?? './flows');
  const understanding = trainUnderstanding(flows, intents);
  io.out(files.map((file) => formatEvaluation(evaluate({ flows, understanding }, loadCases(file)), file)).join('\n\n') + '\n');
  return 0;
}

async function watchesCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { overdue: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } }, strict: true });
  const cfg = config(env, env.LOG_LEVEL ? {} : { LOG_LEVEL: 'error' });
  const [{ openDatabase }, { SqlStore }, { SqlWatches }, { createLogger }] = await Promise.all([
    import('./adapters/sql/db.ts'),
    import('./adapters/sql/store.ts'),
    import('./adapters/sql-watches.ts'),
    import('./adapters/logger.ts'),
  ]);
  const store = await SqlStore.open(await openDatabase(cfg, createLogger(cfg.LOG_LEVEL)));
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

async function understandCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { lang: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const fixed = lang(values.lang);
  const { flows, intents } = loadFlowsOrThrow(env.FLOWS_DIR ?? './flows');
  const ienv = { flows, understanding: trainUnderstanding(flows, intents) };
  const at = snapshotAt(ienv, values.at);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const text = cleanInput(line).text;
    if (!text) continue;
    const m = interpret(ienv, at, text);
    const row = { text, lang: fixed ?? m.lang ?? 'en', topic: m.topic, intent: m.intent, confidence: m.confidence, action: m.action, choice: m.choice };
    io.out(values.json ? `${JSON.stringify(row)}\n` : `${m.action.padEnd(8)} ${String(m.intent ?? '-').padEnd(18)} ${m.confidence.toFixed(2)}  ${text}\n`);
  }
  return 0;
}

async function chat(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { lang: { type: 'string' }, user: { type: 'string' }, session: { type: 'string' } }, strict: true });
  const l = lang(values.lang);
  const user = values.user === undefined ? undefined : parseUsername(values.user);
  if (values.user !== undefined && !user) throw new UsageError(`--user must be a username or an e-mail address (got "${values.user}")`);
  // The terminal is for people: only real problems go to stderr unless LOG_LEVEL says otherwise.
  const cfg = config(env, env.LOG_LEVEL ? {} : { LOG_LEVEL: 'error' });
  const [{ createHelpdesk }, { runTerminalChat }] = await Promise.all([helpdeskModule(), terminalModule()]);
  const app = await createHelpdesk(cfg);
  try {
    const who = values.session ?? user ?? os.userInfo().username;
    await runTerminalChat({
      runner: app.runner,
      input: process.stdin,
      output: process.stdout,
      conversationId: `terminal:${who}`,
      ...(l ? { lang: l } : {}),
      ...(user ? { user } : {}),
      interactive: Boolean(process.stdin.isTTY),
      outOfBand: app.outOfBand,
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
  if (!values.user) throw new UsageError('--user is required (a username or an e-mail address)');
  const user = parseUsername(values.user);
  if (!user) throw new UsageError(`--user must be a username or an e-mail address (got "${values.user}")`);
  const ip = values.ip === undefined ? undefined : parseIp(values.ip);
  if (values.ip !== undefined && !ip) throw new UsageError(`--ip must be an IPv4 or IPv6 address (got "${values.ip}")`);
  if (values['device-time'] !== undefined && !parseDeviceTime(values['device-time'])) {
    throw new UsageError(`--device-time must be an ISO 8601 time such as 2026-11-27T14:32:05+01:00, or HH:MM:SS (got "${values['device-time']}")`);
  }
  if (values.for !== 'staff' && values.for !== 'user') throw new UsageError(`--for must be staff or user (got "${values.for}")`);
  if (values.tz !== undefined && !isTimeZone(values.tz)) throw new UsageError(`--tz must be a time zone such as Europe/Stockholm or UTC (got "${values.tz}")`);
  let deviceTime = values['device-time'];
  const parsedTime = deviceTime === undefined ? undefined : parseDeviceTime(deviceTime);
  if (values.tz && parsedTime?.kind === 'wall') {
    const inZone = wallInZone(parsedTime, values.tz, givenAt);
    if (inZone.kind === 'instant') deviceTime = new Date(inZone.ms).toISOString();
  }
  const code = values.code === undefined ? undefined : parseCode(values.code);
  if (values.code !== undefined && !code) throw new UsageError('--code must be 6 to 8 digits');
  const l = lang(values.lang) ?? 'en';
  const cfg = config(env, env.LOG_LEVEL ? {} : { LOG_LEVEL: 'error' });
  const { createHelpdesk } = await helpdeskModule();
  const app = await createHelpdesk(cfg, { waitForNtp: true, conversations: false, watch: false });
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
  const cfg = config(env);
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const [{ createHelpdesk }, { runTerminalChat }, { startWebServer }, { tokenActivatedRoutes }, { startMetricsServer }, { createLogger }] = await Promise.all([
    helpdeskModule(),
    terminalModule(),
    import('./channels/web/server.ts'),
    import('./integrations/token-activated.ts'),
    import('./adapters/metrics-server.ts'),
    import('./adapters/logger.ts'),
  ]);
  // With a terminal chat on screen, the log goes quiet unless asked for.
  const log = createLogger(interactive && !env.LOG_LEVEL ? 'error' : cfg.LOG_LEVEL, undefined, cfg.DATABASE_URL ? { replica: replicaName(cfg) } : {}, { personalData: cfg.LOG_PERSONAL_DATA });
  const { createSlackChannel } = cfg.SLACK_BOT_TOKEN ? await import('./channels/slack/slack-channel.ts') : { createSlackChannel: undefined };
  const discordModule = cfg.DISCORD_TOKEN ? await import('./channels/discord/discord-channel.ts') : undefined;
  const app = await createHelpdesk(cfg, { log });
  // Platforms connect in the background and are retried until they answer; /healthz tells their state.
  const slack: SlackChannel | undefined = createSlackChannel ? await createSlackChannel(app) : undefined;
  await slack?.start();
  // One gateway session for the deployment: the leader replica holds it, and another takes over
  // when the leader dies. Every replica relays its out-of-band Discord replies through the store.
  let discord: DiscordChannel | undefined;
  const standby = { state: 'standby' as const, since: Date.now(), attempts: 0 };
  if (discordModule) {
    discordModule.registerDiscordRelay(app);
    app.lead({
      async elected() {
        discord ??= discordModule.createDiscordChannel(app);
        await discord.start();
      },
      async deposed() {
        const d = discord;
        discord = undefined;
        standby.since = Date.now();
        await d?.stop();
      },
    });
  }
  const channels = {
    ...(slack ? { slack: slack.connection } : {}),
    ...(discordModule ? { discord: { get status() { return discord?.connection.status ?? standby; } } } : {}),
  };
  let web: Awaited<ReturnType<typeof startWebServer>>;
  try {
    const routes = [
      ...(slack?.requestListener ? [{ method: 'POST' as const, path: '/slack/events', handle: slack.requestListener }] : []),
      ...tokenActivatedRoutes({ secret: cfg.HOOK_SECRET, clock: app.clock, seen: app.seen, wake: (user) => app.watcher.wake(user), log: app.log }),
    ];
    web = await startWebServer(app, { routes, statuses: () => Object.fromEntries(Object.entries(channels).map(([name, c]) => [name, c.status])) });
  } catch (err) {
    await slack?.stop();
    await discord?.stop();
    await app.close();
    throw err;
  }
  const allChannels = (): Array<[Record<string, string>, number]> =>
    [['web', true] as const, ...Object.entries(channels).map(([name, c]) => [name, c.status.state === 'up'] as const)].map(([channel, up]) => [{ channel }, up ? 1 : 0]);
  // Discord's gateway is held by the leader only: the others say 0 (standby), so alert on the maximum.
  app.metrics.gauges('helpdesk_channel_up', 'Whether a channel is connected on this replica (1) or not (0; Discord on a standby replica)', ['channel'], allChannels);
  let metrics: MetricsServer | undefined;
  if (cfg.METRICS_PORT !== undefined) {
    try {
      metrics = await startMetricsServer({ host: cfg.METRICS_HOST, port: cfg.METRICS_PORT, ...(cfg.METRICS_TOKEN ? { token: cfg.METRICS_TOKEN } : {}), render: () => app.metrics.render(), contentType: app.metrics.contentType });
    } catch (err) {
      await web.close();
      await slack?.stop();
      await discord?.stop();
      await app.close();
      throw err;
    }
  }
  const banner = [
    `2fa-helpdesk is serving the support page on ${web.url} (public URL ${cfg.PUBLIC_URL})`,
    ...(metrics ? [`Metrics: ${metrics.url}/metrics${cfg.METRICS_TOKEN ? ' (bearer token)' : ''}`] : []),
    ...(slack ? [`Slack: ${slack.mode === 'http' ? `Events API at ${cfg.PUBLIC_URL}/slack/events` : 'Socket Mode'} (connecting; state in /healthz)`] : []),
    ...(discordModule ? ['Discord: the leader replica connects to the gateway (state in /healthz)'] : []),
    ...(app.demo ? [`Demo enrollment backend on ${app.demo.url}; demo users: alice, bob, carol, dave, erin, frank (see README)`] : cfg.ENROLLMENT_API_URL ? [`Enrollment API: ${cfg.ENROLLMENT_API_URL}`] : []),
    `Accounts from ${cfg.ACCOUNTS_BACKEND === 'ldap' ? `LDAP (${cfg.LDAP_URL})` : 'the Enrollment API'}; tokens from ${cfg.TOKENS_BACKEND === 'privacyidea' ? `privacyIDEA (${cfg.PRIVACYIDEA_URL})` : cfg.TOKENS_BACKEND === 'ldap-otp' ? `OpenLDAP's otp overlay (${cfg.LDAP_URL})` : 'the Enrollment API'}`,
  ];
  io.err(`${banner.join('\n')}\n`);
  let stopping = false;
  // A stop finishes what it can in a few seconds; whatever still hangs (a stalled relay, a platform
  // that never answers) is abandoned, and the command's caller ends the process.
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const all = (async () => {
      await metrics?.close();
      await web.close();
      await slack?.stop();
      await app.close();
    })();
    await Promise.race([all, new Promise((r) => setTimeout(r, STOP_DEADLINE_MS).unref())]);
  };
  if (interactive) {
    io.out('Terminal chat (type "quit" to stop the helpdesk):\n\n');
    await runTerminalChat({ runner: app.runner, input: process.stdin, output: process.stdout, conversationId: `terminal:${os.userInfo().username}`, interactive: true, outOfBand: app.outOfBand });
    await stop();
    return 0;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // A second signal while stopping means now.
  const now = () => process.exit(130);
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  await stop();
  return 0;
}

export async function main(argv: string[], io: Io = stdio, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest, io, env);
      case 'chat':
        return await chat(rest, io, env);
      case 'diagnose':
        return await diagnoseCommand(rest, io, env);
      case 'discord': {
        if (rest[0] !== 'register') throw new UsageError('usage: 2fa-helpdesk discord register');
        const { registerCommands } = await import('./channels/discord/commands.ts');
        const r = await registerCommands(config(env));
        io.out(`registered ${r.count} commands for ${r.scope}\n`);
        return 0;
      }
      case 'flows':
        if (rest[0] === 'check') return await flowsCheck(rest.slice(1), io, env);
        if (rest[0] === 'test') return await flowsTest(rest.slice(1), io, env);
        throw new UsageError('usage: 2fa-helpdesk flows check [DIR] | flows test [FILE] | flows test --conversations [DIR]');
      case 'understand':
        return await understandCommand(rest, io, env);
      case 'watches':
        return await watchesCommand(rest, io, env);
      case 'privacy': {
        const [{ privacyCommand }, { createLogger }] = await Promise.all([import('./app/privacy.ts'), import('./adapters/logger.ts')]);
        // The audit line is written whatever LOG_LEVEL says.
        return await privacyCommand(rest, io, config(env), createLogger('info', (line) => io.err(line)));
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"; try 2fa-helpdesk --help`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`2fa-helpdesk: ${(err as Error).message}\n`);
      return 2;
    }
    if (err instanceof HelpdeskError && ['config.invalid', 'flow.invalid', 'store.unavailable'].includes(err.code)) {
      for (const line of err.message.split('\n')) io.err(`2fa-helpdesk: ${line}\n`);
      return 2;
    }
    io.err(`2fa-helpdesk: internal fault: ${(err as Error).message}\n`);
    return 1;
  }
}
