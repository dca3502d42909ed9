// The `2fa-helpdesk` command: serve, chat, diagnose, flows check. Exit codes: 0 done, 1 a check that
// failed (a conversation test, flows test --min) or an internal fault, 2 bad input or configuration
// (one line per problem on stderr).
// This file is the usage of every command and the dispatch; what a command does is in
// src/cli/commands.ts, imported only when one runs, so `--help` starts at once (bench --startup).
import { exitStatus, HelpdeskError } from './errors.ts';
import { stdio, type Io } from './cli/io.ts';
import type { RUNS } from './cli/commands.ts';

type Command = { usage: string; example: string; run: (args: string[], io: Io, env: NodeJS.ProcessEnv) => Promise<number> };

/** The command's code, loaded when it runs. */
const lazy =
  (name: keyof typeof RUNS): Command['run'] =>
  async (args, io, env) =>
    (await import('./cli/commands.ts')).RUNS[name](args, io, env);

/** The commands, in the order --help lists them: one table, the usage beside what runs. */
const COMMANDS: Record<string, Command> = {
  serve: { run: lazy('serve'), example: 'LOG_LEVEL=info 2fa-helpdesk serve', usage: `  serve                      the web support page (and a terminal chat when run in a terminal)` },
  chat: {
    run: lazy('chat'),
    example: "echo 'my code is rejected' | 2fa-helpdesk chat --lang en --user alice",
    usage: `  chat [--lang en|sv] [--user NAME] [--session ID]
                             a conversation on stdin/stdout; works piped`,
  },
  diagnose: {
    run: lazy('diagnose'),
    example: '2fa-helpdesk diagnose --user alice --device-time 14:32:05 --tz Europe/Stockholm',
    usage: `  diagnose --user NAME|EMAIL [--ip ADDR] [--device-time TIME [--tz ZONE]] [--code DIGITS]
           [--json] [--lang en|sv] [--for staff|user]
                             one diagnostic report, in a staff voice (--for user: the wording
                             for the person, to paste into a reply). --device-time is what the
                             person's device showed at the moment you gave the command (an ISO
                             8601 time, or HH:MM:SS as read off the phone; with --tz the zone it
                             is in, e.g. Europe/Stockholm, else any zone, to within 7.5 minutes)`,
  },
  flows: {
    run: lazy('flows'),
    example: '2fa-helpdesk flows test test/understanding/messages.yaml --min 95',
    usage: `  flows check [DIR]          validate the flows (default: FLOWS_DIR or ./flows), and warn about thin
                             or colliding examples
  flows test [FILE...] [--min PERCENT]
                             how well free text is understood, on files of labelled messages
                             (default: test/understanding/messages.yaml): accuracy per label and
                             language, and the confusions; with --min, exit 1 when a file's
                             accuracy is under PERCENT
  flows test --conversations [DIR]
                             run the conversation tests (default: test/conversations/*.yaml) through
                             the real engine; prints each failed expectation with its transcript`,
  },
  watches: {
    run: lazy('watches'),
    example: '2fa-helpdesk watches --overdue --json',
    usage: `  watches [--overdue] [--json]
                             open watches on pending tokens ("tell me when it is active"); with
                             --overdue only those past TOKEN_OVERDUE_MINUTES (a ticket is open)`,
  },
  understand: {
    run: lazy('understand'),
    example: "echo 'the code does not work' | 2fa-helpdesk understand --json",
    usage: `  understand [--lang en|sv] [--at FLOW.STEP] [--json]
                             one message a line on stdin: how each is understood (without --at, as
                             the first message of a conversation), which knowledge entry answers it
                             (intent knowledge:<id>, or unknown), and which rule heard a takeover`,
  },
  report: {
    run: lazy('report'),
    example: '2fa-helpdesk report --since 30d --csv > outcomes.csv',
    usage: `  report [--since 7d|DATE] [--until DURATION|DATE] [--json|--csv] [--lang en|sv]
                             what the bot solved (not the diagnostic report of one person: that is
                             diagnose --json): per topic and language, conversations solved without a
                             person, handed over (and solved by staff), abandoned and at which step,
                             out of scope, the median time to a solution and the "Did this help?"
                             share; the steps where most people give up; what the bot did not
                             understand (redacted). --json: everything; --csv: the figures table;
                             --lang: the headings' language (default STAFF_LANG, else en)`,
  },
  discord: { run: lazy('discord'), example: '2fa-helpdesk discord register', usage: `  discord register           register the Discord slash commands (npm run discord:register)` },
  privacy: {
    run: lazy('privacy'),
    example: '2fa-helpdesk privacy export --user alice@example.org',
    usage: `  privacy export|forget --user NAME|EMAIL [--CHANNEL ID]... [--dry-run] [--yes]
                             everything the bot holds about one person, as one JSON document; or
                             erase it: --dry-run lists what would go, a terminal is asked first,
                             without one --yes is needed (tickets already in the centre's ticket
                             system are listed). --CHANNEL ID: their user id on a chat channel,
                             the option named after the channel`,
  },
};


const EXIT_CODES = 'Exit status: 0 done, 1 a check failed (a conversation test, --min) or an internal fault, 2 bad input or configuration.';

const USAGE = `Usage: 2fa-helpdesk <command>\n\n${Object.values(COMMANDS)
  .map((c) => c.usage)
  .join('\n')}\n\nConfiguration comes from the environment; see .env.example. 2fa-helpdesk COMMAND --help: one command, with an example.\n${EXIT_CODES}`;

const HELP = new Set(['help', '--help', '-h']);

/** One command's help: its usage, an example, and the exit codes. */
const commandHelp = (c: Command) => `Usage: 2fa-helpdesk\n${c.usage}\n\nExample:\n  ${c.example}\n\n${EXIT_CODES}\n`;

/** The option a mistyped one most likely meant, among those the command's usage names. */
export function nearestOption(typed: string, usageText: string): string | undefined {
  const options = [...new Set(usageText.match(/--[a-z][a-z-]*/g) ?? [])];
  const distance = (a: string, b: string) => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length]!;
  };
  const scored = options.map((o) => ({ o, d: o.startsWith(typed) ? 0 : distance(typed, o) })).sort((x, y) => x.d - y.d);
  return scored[0] && scored[0].d <= Math.max(2, Math.floor(typed.length / 3)) ? scored[0].o : undefined;
}

/** node's parseArgs errors as bad input, an unknown option with the nearest known one. */
function argsError(err: unknown, command: Command | undefined): unknown {
  const code = (err as { code?: string }).code;
  if (!code?.startsWith('ERR_PARSE_ARGS')) return err;
  const typed = /'(--?[^']+)'/.exec((err as Error).message)?.[1];
  const near = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && typed && command ? nearestOption(typed, command.usage) : undefined;
  const message = near ? `unknown option '${typed}'; did you mean ${near}? (2fa-helpdesk ${Object.keys(COMMANDS).find((k) => COMMANDS[k] === command)} --help)` : (err as Error).message;
  return new HelpdeskError('input.invalid', message);
}

export async function main(argv: string[], io: Io = stdio, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  const found = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  try {
    if (command === undefined || HELP.has(command)) {
      io.out(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (!found) throw new HelpdeskError('input.invalid', `unknown command "${command}"; try 2fa-helpdesk --help`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(commandHelp(found));
      return 0;
    }
    return await found.run(rest, io, env);
  } catch (err) {
    const bad = argsError(err, found);
    if (exitStatus(bad) === 2) {
      for (const line of (bad as Error).message.split('\n')) io.err(`2fa-helpdesk: ${line}\n`);
      return 2;
    }
    io.err(`2fa-helpdesk: internal fault: ${(err as Error).message}\n`);
    return 1;
  }
}
