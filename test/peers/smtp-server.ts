// A real SMTP server on loopback (the smtp-server package) that keeps every message, parsed with
// mailparser. It can be stopped and started again on the same port, to play a mail relay that is down.
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { freePort } from './ports.ts';

export interface SmtpPeer {
  port: number;
  url: string;
  messages: ParsedMail[];
  up: boolean;
  /** Messages matching are read but not answered (a relay that hangs mid-delivery); kept in `held`. */
  hold?: (m: ParsedMail) => boolean;
  held: ParsedMail[];
  /** The relay back: stops holding, delivers every held message and answers 250 to senders still waiting. */
  release(): number;
  start(): Promise<void>;
  stop(): Promise<void>;
  waitFor(predicate: (m: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
}

export async function startSmtpServer(): Promise<SmtpPeer> {
  const port = await freePort();
  const messages: ParsedMail[] = [];
  const answers: Array<{ mail: ParsedMail; accept: () => void }> = [];
  let server: SMTPServer | undefined;
  const peer: SmtpPeer = {
    port,
    url: `smtp://127.0.0.1:${port}?tls=off`,
    messages,
    held: [],
    up: false,
    async start() {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onData(stream, _session, callback) {
          simpleParser(stream)
            .then((mail) => {
              if (peer.hold?.(mail)) {
                peer.held.push(mail);
                // Queued by the relay before it hung (RFC 1047's case): on release it is delivered and answered,
                // so a sender that gave up meanwhile and sends again makes a second copy.
                answers.push({ mail, accept: () => callback() });
                return;
              }
              messages.push(mail);
              callback();
            })
            .catch(callback);
        },
      });
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', () => resolve()));
      peer.up = true;
    },
    release() {
      peer.hold = undefined;
      const waiting = answers.splice(0);
      for (const { mail, accept } of waiting) {
        messages.push(mail);
        accept();
      }
      return waiting.length;
    },
    async stop() {
      const s = server;
      peer.up = false;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching mail in ${timeoutMs} ms (have ${messages.length})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  await peer.start();
  return peer;
}
