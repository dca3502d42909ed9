#!/usr/bin/env node
// The second half of `npm run build` (after tsc has compiled src/ to dist/): copies what the
// compiled code reads from disk beside it (the web page's static files, the understanding's phrases) and stamps the build, so
// the command knows dist/ is at least as new as src/.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const from = path.join(root, 'src/channels/web/static');
const to = path.join(root, 'dist/channels/web/static');
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
const { bundleClient } = await import('../dist/channels/web/client-bundle.js');
for (const [name, text] of Object.entries(await bundleClient(path.join(root, 'src/channels/web/client')))) writeFileSync(path.join(to, name), text);
// The understanding's phrase families (data it reads beside its code).
cpSync(path.join(root, 'src/understanding/phrases.yaml'), path.join(root, 'dist/understanding/phrases.yaml'));
writeFileSync(path.join(root, 'dist/.built'), `${new Date().toISOString()}\n`);
