// Starts a real daemon for a test and stops it afterwards; fails loudly when it is not installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `2fa-${prefix}-`));
}

export interface Daemon {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function startDaemon(command: string, args: string[], ready: (output: string) => boolean, timeoutMs = 10_000): Promise<Daemon> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not become ready in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not start (${err.message}); .ci/run installs it`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${out}`));
    });
    const poll = setInterval(() => {
      if (ready(out)) {
        clearInterval(poll);
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve();
      }
    }, 50);
    child.once('exit', () => clearInterval(poll));
  });
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
