// Runs the real `2fa-helpdesk` command as a child process: one-shot, or a chat fed line by line.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BIN = path.join(import.meta.dirname, '../../bin/2fa-helpdesk.js');
export const ROOT = path.join(import.meta.dirname, '../..');

/** Every file under `dir`, in its folders too (a test greps them for what must be gone). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The command run in this process (`main` from src/cli.ts), its output collected. */
export async function cliInProcess(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../../src/cli.ts');
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) }, { ...env, PATH: process.env.PATH ?? '' });
  return { code, out, err };
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), '2fa-data-'));
}

export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TYPING_DELAY_SECONDS: '0', LOG_LEVEL: 'error', NTP_SERVERS: '', DNS_SERVERS: '127.0.0.1:9', DNS_TIMEOUT_MS: '300', ...extra };
  return env;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

/** A chat process: each `say` writes a line and resolves with that turn's output. */
export class Chat {
  private buffer = '';
  private waiters: Array<(block: string) => void> = [];
  private blocks: string[] = [];
  stderr = '';
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => {
      this.buffer += d.toString('utf8');
      let i: number;
      while ((i = this.buffer.indexOf('\n\n')) >= 0) {
        const block = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 2);
        const w = this.waiters.shift();
        if (w) w(block);
        else this.blocks.push(block);
      }
    });
    child.stderr.on('data', (d) => (this.stderr += d));
  }

  static async start(args: string[], env: NodeJS.ProcessEnv): Promise<{ chat: Chat; greeting: string }> {
    const child = spawn(process.execPath, [BIN, 'chat', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const chat = new Chat(child);
    const greeting = await chat.next();
    return { chat, greeting };
  }

  next(timeoutMs = 15_000): Promise<string> {
    const ready = this.blocks.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms; stderr: ${this.stderr}; partial: ${this.buffer}`)), timeoutMs);
      this.waiters.push((b) => {
        clearTimeout(timer);
        resolve(b);
      });
    });
  }

  say(line: string): Promise<string> {
    this.child.stdin.write(`${line}\n`);
    return this.next();
  }

  /** Writes raw bytes (binary input) as one line. */
  sayBytes(bytes: Buffer): Promise<string> {
    this.child.stdin.write(Buffer.concat([bytes, Buffer.from('\n')]));
    return this.next();
  }

  kill(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('close', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  async end(): Promise<number | null> {
    this.child.stdin.end();
    return new Promise((resolve) => this.child.once('close', resolve));
  }
}
