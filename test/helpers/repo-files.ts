// The repository's own text files, for tests that read the whole of it (docs that stay true, no
// development history, no link out of the repository).
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(import.meta.dirname, '../..');

/** What a person or a tool reads as part of the project. */
export const SCANNED = ['README.md', 'CHANGELOG.md', '.env.example', 'docs', 'src', 'test', 'bench', 'deploy', 'bin', 'flows', 'slack', '.ci'];
const TEXT = /\.(ts|js|mjs|json|ya?ml|md|html|css|txt|service|conf|sh)$|^(run|Dockerfile|\.env\.example)$/;
const SKIPPED = new Set(['artifacts', 'node_modules']);

/** Every file under `rel` (a file or a folder), relative to the repository's root. */
export function filesUnder(rel: string): string[] {
  let entries;
  try {
    entries = readdirSync(path.join(ROOT, rel), { withFileTypes: true });
  } catch {
    return [rel];
  }
  return entries.filter((e) => !SKIPPED.has(e.name)).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(rel, e.name)) : [path.join(rel, e.name)]));
}

export const isText = (file: string) => TEXT.test(path.basename(file));
