// The line chat (src/channels/linechat/): the channel added by one folder and one line in the
// registry. `serve` runs it when LINECHAT_PORT is set; a real TCP socket holds a conversation with
// a hand-over, which files exactly one ticket; /healthz reports it; a bad port stops the start.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, baseEnv, runCli, tempDataDir } from '../helpers/cli.ts';
import { PROBE_TOKEN, probeDetail } from '../helpers/web.ts';
import { freePort } from '../peers/ports.ts';

let child: ChildProcess;
let dataDir: string;
let port: number;
let webUrl: string;
let stderr = '';

beforeAll(async () => {
  dataDir = tempDataDir();
  port = await freePort();
  child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: baseEnv({ PORT: '0', DATA_DIR: dataDir, LINECHAT_PORT: String(port), METRICS_TOKEN: PROBE_TOKEN }), stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d) => (stderr += d));
  webUrl = await new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /serving the support page on (http:\/\/\S+)/.exec(stderr);
      if (m?.[1] && stderr.includes('Line chat: 127.0.0.1:')) {
        clearInterval(t);
        resolve(m[1]);
      }
    }, 20);
    child.once('exit', () => {
      clearInterval(t);
      reject(new Error(`serve exited: ${stderr}`));
    });
  });
}, 60_000);

afterAll(async () => {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
});

/** One connection: send a line, read until the answer matching `re` has ended (a blank line). */
function lineChat(): { socket: Socket; say: (line: string | undefined, re: RegExp) => Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let received = '';
  socket.on('data', (d: string) => (received += d));
  return {
    socket,
    async say(line, re) {
      const from = received.length;
      if (line !== undefined) socket.write(`${line}\n`);
      for (let i = 0; i < 600; i++) {
        const answer = received.slice(from);
        if (re.test(answer) && answer.endsWith('\n\n')) return answer;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no answer matching ${re}; got:\n${received.slice(from)}`);
    },
  };
}

function tickets(): Array<Record<string, unknown>> {
  const dir = path.join(dataDir, 'tickets');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>);
}

/** The tickets once one has been written whole (they are delivered from a queue, just after the turn). */
async function delivered(): Promise<Array<Record<string, unknown>>> {
  for (let i = 0; i < 200; i++) {
    try {
      const all = tickets();
      if (all.length) return all;
    } catch {
      // A file still being written: read again.
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return tickets();
}

describe('line chat over TCP', () => {
  it('a conversation with a hand-over files one ticket, with the transcript', async () => {
    const chat = lineChat();
    try {
      await chat.say(undefined, /two-factor helpdesk[\s\S]*8\) Talk to a person/);
      await chat.say('8', /username/);
      await chat.say('alice', /Describe in a sentence or two/);
      const handed = await chat.say("I can't log in since Tuesday", /handed this over[\s\S]*HD-[A-Z0-9]{6}/);
      const reference = /HD-[A-Z0-9]{6}/.exec(handed)?.[0];
      const all = await delivered();
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ reference, note: "I can't log in since Tuesday" });
      expect(String(all[0]?.conversationId)).toMatch(/^linechat:/);
      expect((all[0]?.transcript as string[]).join('\n')).toMatch(/person: I can't log in since Tuesday/);
    } finally {
      chat.socket.destroy();
    }
  }, 60_000);

  it('/healthz reports the line chat as a channel of this replica', async () => {
    const { body } = await probeDetail(webUrl);
    expect(body.channels.linechat?.state).toBe('up');
  });

  it('listens on loopback only', () => {
    expect(stderr).toContain(`Line chat: 127.0.0.1:${port}`);
  });

  it('a bad LINECHAT_PORT stops the start with one line naming the key', async () => {
    const r = await runCli(['serve'], baseEnv({ PORT: '0', DATA_DIR: tempDataDir(), LINECHAT_PORT: 'seventy' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^2fa-helpdesk: LINECHAT_PORT: expected a whole number from 0 to 65535$/m);
  });
});
