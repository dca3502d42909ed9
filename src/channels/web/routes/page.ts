// The chat page and its assets, read once at start. The page's words travel as JSON inside it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { escapeHtml, route, send, sendHtml, type Routes } from '../http.ts';
import type { WebDeps } from '../web-deps.ts';

const STATIC = path.join(import.meta.dirname, '..', 'static');
const read = (f: string) => readFileSync(path.join(STATIC, f), 'utf8');

export function pageRoutes(r: Routes, d: WebDeps): void {
  const assets: Array<[string, string, string]> = [
    ['/static/app.js', 'text/javascript; charset=utf-8', read('app.js')],
    ['/static/clock.js', 'text/javascript; charset=utf-8', read('clock.js')],
    ['/static/app.css', 'text/css; charset=utf-8', read('app.css')],
  ];
  for (const [url, type, body] of assets) route(r, 'GET', url, ({ res }) => send(res, 200, type, body, { 'cache-control': 'public, max-age=300' }));
  // `<` is escaped so no text can close the script block the words travel in.
  const pageWords = JSON.stringify({ en: d.ctx.words.pageWords('en'), sv: d.ctx.words.pageWords('sv') }).replace(/</g, '\\u003c');
  const indexHtml = read('index.html').replaceAll('{{centre}}', escapeHtml(d.ctx.site.centre)).replace('{{words}}', () => pageWords);
  route(r, 'GET', '/', ({ res }) => sendHtml(res, 200, indexHtml));
  route(r, 'GET', '/favicon.ico', ({ res }) => send(res, 204, 'image/x-icon', ''));
}
