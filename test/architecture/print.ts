// `npm run architecture`: the picture of the import rules for docs/architecture.md, and what breaks them now.
import { fileCycles, folderCycles, importsOf, isBeingMended, mermaid, sourceFiles, violations } from './rules.ts';

const imports = importsOf(sourceFiles());
process.stdout.write(`${mermaid()}\n`);
if (process.argv.includes('--violations')) {
  for (const v of violations(imports)) process.stderr.write(`${isBeingMended(v) ? 'mending' : 'BROKEN '} ${v.from} → ${v.to}: ${v.rule}\n`);
  for (const c of fileCycles(imports)) process.stderr.write(`BROKEN  file cycle ${c.join(' → ')}\n`);
  for (const c of folderCycles(imports)) process.stderr.write(`folder cycle ${c.join(' + ')}\n`);
}
