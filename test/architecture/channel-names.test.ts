// A channel is one folder and one registry line: no file of src/ outside src/channels/<name>/ names
// a channel (in a string, a template, an import path or an identifier; comments do not count),
// except the registry. What still does is listed below with what it names, and shrinks: a file that
// no longer names a channel fails the test until its entry is deleted, and a new file that does fails.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = 'src';
/** Every channel: each folder under src/channels/ but shared/. */
const CHANNEL_NAMES = readdirSync(path.join(SRC, 'channels'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'shared')
  .map((e) => e.name);
const ALLOWED = new Set(['src/channels/registry.ts']);
/** The SDKs' own names that contain a channel's name as a word (Slack's WebClient is not the web channel). */
const LIBRARY_NAMES = new Set(['WebClient', 'webApi', 'WebSocket']);

/**
 * Files that still name a channel, and which: the web page's catalogue section and privacy notice,
 * the web and terminal names the wiring and the staff's messages use, the log codes of two channels,
 * the command's `discord register`, and the privacy command's question on a terminal (the console
 * it runs in, which the rule cannot tell from the channel).
 */
const MENDING: Record<string, readonly string[]> = {
  'src/adapters/sql/migrations.ts': ['web'],
  'src/app/channel-context.ts': ['web'],
  'src/app/conversations.ts': ['web'],
  'src/app/privacy.ts': ['terminal'],
  'src/app/serve.ts': ['terminal'],
  'src/channels/shared/probes.ts': ['web'],
  'src/cli.ts': ['discord', 'terminal', 'web'],
  // What the commands in src/cli.ts do (split from it so --help loads none of it): discord register, the terminal chat.
  'src/cli/commands.ts': ['discord', 'terminal'],
  'src/conversation-tests/run.ts': ['terminal'],
  'src/errors.ts': ['discord', 'slack', 'web'],
  'src/i18n/catalogue.ts': ['web'],
  'src/i18n/en/messages.ts': ['slack'],
  'src/i18n/en/pages.ts': ['discord', 'slack', 'terminal', 'web'],
  'src/i18n/response-time.ts': ['web'],
  'src/i18n/sv/messages.ts': ['slack'],
  'src/i18n/sv/pages.ts': ['discord', 'slack', 'web'],
  'src/ports/catalogue.ts': ['web'],
};

const words = (text: string) => text.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean).map((w) => w.toLowerCase());

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The channels a file names, outside comments; `own`: the channel whose folder it is in. */
export function channelsNamed(file: string, text: string, own?: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const named = new Set<string>();
  const visit = (node: ts.Node): void => {
    let t: string | undefined;
    if (ts.isIdentifier(node)) {
      // A property's own name in an object literal is the library's or the data's key (readline's `terminal`).
      const key = ts.isPropertyAssignment(node.parent) && node.parent.name === node;
      if (!key && !LIBRARY_NAMES.has(node.text)) t = node.text;
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      t = node.text;
    }
    if (t !== undefined) for (const w of words(t)) if (CHANNEL_NAMES.includes(w) && w !== own) named.add(w);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...named].sort();
}

describe('a channel is named in its folder and the registry only', () => {
  const found: Record<string, string[]> = {};
  for (const file of tsFiles(SRC)) {
    const rel = file.split(path.sep).join('/');
    if (ALLOWED.has(rel)) continue;
    const own = /^src\/channels\/([^/]+)\//.exec(rel)?.[1];
    const named = channelsNamed(rel, readFileSync(file, 'utf8'), own);
    if (named.length) found[rel] = named;
  }

  it('finds the channels it looks for (the rule sees a name when there is one)', () => {
    expect(CHANNEL_NAMES).toEqual(expect.arrayContaining(['discord', 'slack', 'terminal', 'web']));
    expect(channelsNamed('a.ts', "const prefix = 'slack:'; // discord in a comment")).toEqual(['slack']);
    expect(channelsNamed('a.ts', 'const c = `${webHost}`; import { x } from "./channels/terminal/chat.ts";')).toEqual(['terminal', 'web']);
    expect(channelsNamed('a.ts', "readline({ terminal: true }); const c: WebClient = api;")).toEqual([]);
  });

  it('no file outside a channel folder names a channel but those being mended, and those only the channels listed', () => {
    expect(found).toEqual(MENDING);
  });
});
