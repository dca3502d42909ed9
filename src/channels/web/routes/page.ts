// The chat page and its assets, read once at start. The page's words travel as JSON inside it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { clientScripts, type ClientScript } from '../client-bundle.ts';
import { escapeHtml, route, send, sendHtml, type Routes } from '../http.ts';
import { pageWordsJson } from '../pages.ts';
import type { WebDeps } from '../web-deps.ts';

const STATIC = path.join(import.meta.dirname, '..', 'static');
const read = (f: string) => readFileSync(path.join(STATIC, f), 'utf8');

export function pageRoutes(r: Routes, d: WebDeps): void {
  const cache = { 'cache-control': 'public, max-age=300' };
  const css = read('app.css');
  route(r, 'GET', '/static/app.css', ({ res }) => send(res, 200, 'text/css; charset=utf-8', css, cache));
  // The scripts are the client modules bundled (client-bundle.ts); the first request waits for them.
  const scripts = clientScripts(STATIC);
  scripts.catch((err: unknown) => d.ctx.log.error('the page scripts could not be bundled', { err }));
  for (const name of ['app.js', 'clock.js'] as const satisfies readonly ClientScript[]) {
    route(r, 'GET', `/static/${name}`, async ({ res }) => send(res, 200, 'text/javascript; charset=utf-8', (await scripts)[name], cache));
  }
  // The pictures a question may show (client/step-picture.ts), our own drawings.
  for (const file of readdirSync(path.join(STATIC, 'pictures')).filter((f) => f.endsWith('.svg'))) {
    const svg = read(path.join('pictures', file));
    route(r, 'GET', `/static/pictures/${file}`, ({ res }) => send(res, 200, 'image/svg+xml; charset=utf-8', svg, cache));
  }
  const pageWords = pageWordsJson(d.ctx.words);
  const indexHtml = read('index.html').replaceAll('{{centre}}', escapeHtml(d.ctx.site.centre)).replace('{{words}}', () => pageWords);
  route(r, 'GET', '/', ({ res }) => sendHtml(res, 200, indexHtml));
  route(r, 'GET', '/favicon.ico', ({ res }) => send(res, 204, 'image/x-icon', ''));
}
