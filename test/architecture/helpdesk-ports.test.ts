// The helpdesk is offered as ports: no member of `Helpdesk` (src/app/helpdesk.ts), nor of a type the
// file declares for it, is typed by an adapter (src/adapters/, src/watch/). Which adapter stands
// behind a port is chosen in createHelpdesk alone; channels, commands, tests and benchmarks see ports.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const FILE = 'src/app/helpdesk.ts';
const CONCRETE = ['src/adapters/', 'src/watch/'];

/** Each type name `Helpdesk` uses that comes from an adapter, as `member: Name (from)` (the first member naming it). */
export function adapterTypes(file: string, text: string, root = 'Helpdesk'): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const importedFrom = new Map<string, string>();
  const declared = new Map<string, ts.Node>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const from = path.posix.normalize(path.posix.join(path.posix.dirname(file), statement.moduleSpecifier.text));
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) importedFrom.set(e.name.text, from);
    }
    if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name) declared.set(statement.name.text, statement);
  }
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string, where: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const from = importedFrom.get(name);
    if (from && CONCRETE.some((c) => from.startsWith(c))) found.push(`${where}: ${name} (${from})`);
    const node = declared.get(name);
    if (!node) return;
    const walk = (n: ts.Node, member: string) => {
      if (ts.isPropertySignature(n) || ts.isMethodSignature(n)) member = n.name.getText(source);
      if (ts.isTypeReferenceNode(n) || ts.isExpressionWithTypeArguments(n)) {
        const ref = ts.isTypeReferenceNode(n) ? n.typeName.getText(source) : n.expression.getText(source);
        visit(ref.split('.')[0] ?? ref, member);
      }
      ts.forEachChild(n, (c) => walk(c, member));
    };
    walk(node, name);
  };
  visit(root, root);
  return found.sort();
}

describe('the helpdesk as ports', () => {
  it('types no member of Helpdesk by an adapter', () => {
    expect(adapterTypes(FILE, readFileSync(FILE, 'utf8'))).toEqual([]);
  });

  it('finds an adapter type, also through a type the file declares', () => {
    const text = [
      "import type { TicketQueue } from '../adapters/ticket-queue.ts';",
      "import type { TokenWatcher } from '../watch/token-watcher.ts';",
      "import type { HandoverQueue } from '../ports/tickets.ts';",
      'interface Parts { watcher: TokenWatcher }',
      'export interface Helpdesk extends Parts { tickets: TicketQueue; handover: HandoverQueue; all(): Promise<TicketQueue[]> }',
    ].join('\n');
    expect(adapterTypes(FILE, text)).toEqual(['tickets: TicketQueue (src/adapters/ticket-queue.ts)', 'watcher: TokenWatcher (src/watch/token-watcher.ts)']);
  });
});
