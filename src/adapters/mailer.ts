// E-mail with nodemailer: SMTP in production; in the demo, each message is written to a file
// under DATA_DIR/mail so a person can open the proof link without a mail server.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Mail, Mailer } from '../ports/mailer.ts';
import type { Logger } from '../ports/logger.ts';
import type { UpstreamObserver } from '../ports/metrics.ts';
import { timedRequest } from './upstream-timing.ts';

/**
 * How long a sender waits for the relay's answer once a command or the message is sent: RFC 5321
 * 4.5.3.2.6's ten minutes for the end of DATA. A relay may have queued the mail before it stopped
 * answering (RFC 1047): giving up sooner and sending again would deliver it twice.
 */
export const SMTP_REPLY_TIMEOUT_MS = 10 * 60_000;

export class SmtpMailer implements Mailer {
  private readonly transport;

  /**
   * @param connectTimeoutMs connecting and the greeting: nothing is sent yet, so a relay that does
   *   not answer in this time is given up at once and the mail tried again later
   * @param replyTimeoutMs waiting for an answer once something is sent (see SMTP_REPLY_TIMEOUT_MS)
   * @param observe told of each message handed to the relay
   */
  constructor(
    private readonly url: string,
    private readonly from: string,
    private readonly connectTimeoutMs = 10_000,
    replyTimeoutMs = SMTP_REPLY_TIMEOUT_MS,
    private readonly observe?: UpstreamObserver,
  ) {
    const u = new URL(url);
    this.transport = nodemailer.createTransport({
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 25)),
      secure: u.protocol === 'smtps:',
      ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
      // A local relay without TLS is normal; STARTTLS is used whenever the server offers it.
      ignoreTLS: u.searchParams.get('tls') === 'off',
      connectionTimeout: connectTimeoutMs,
      greetingTimeout: connectTimeoutMs,
      socketTimeout: replyTimeoutMs,
    });
  }

  async send(mail: Mail): Promise<void> {
    await timedRequest(this.observe, 'send', () => this.transport.sendMail({ from: this.from, ...mail }));
  }

  /** The same relay, for mail that is worthless after a while (a proof code): a silent relay is given up sooner. */
  withReplyTimeout(replyTimeoutMs: number): SmtpMailer {
    return new SmtpMailer(this.url, this.from, this.connectTimeoutMs, replyTimeoutMs, this.observe);
  }

  close(): void {
    this.transport.close();
  }
}

export class FileMailer implements Mailer {
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    readonly dir: string,
    private readonly from: string,
    private readonly log: Logger,
  ) {}

  async send(mail: Mail): Promise<void> {
    const info = await this.transport.sendMail({ from: this.from, ...mail });
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${Date.now()}-${Math.random().toString(36).slice(2, 8)}.eml`);
    await writeFile(file, info.message as Buffer, { mode: 0o600 });
    this.log.info('mail written (no SMTP_URL set)', { to: mail.to, subject: mail.subject, file });
  }
}
