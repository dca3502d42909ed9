// The SMTP mailer against a relay on loopback that reads a message and hangs before it answers, then
// comes back: the mailer waits for the answer (RFC 5321's DATA timeout) rather than giving up after
// its short connect timeout and sending the mail a second time.
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/adapters/mailer.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';

let relay: SmtpPeer | undefined;
afterEach(async () => {
  await relay?.stop();
});

describe('a relay that hangs after reading the mail', () => {
  it('is waited for past the connect timeout, and the mail is delivered once', async () => {
    relay = await startSmtpServer();
    const peer = relay;
    // The connect timeout (300 ms) is far shorter than the hang.
    const mailer = new SmtpMailer(peer.url, 'helpdesk@example.org', 300);
    peer.hold = () => true;
    const sent = mailer.send({ to: 'support@example.org', subject: 'HD-HANG01', text: 'held\n', messageId: '<HD-HANG01@2fa-helpdesk>' });
    await expect.poll(() => peer.held.length, { timeout: 5000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(peer.release()).toBe(1);
    await sent;
    mailer.close();
    expect(peer.messages.filter((m) => m.messageId === '<HD-HANG01@2fa-helpdesk>')).toHaveLength(1);
  });

  it('a relay that is down fails the send at once (nothing was sent, the caller tries again later)', async () => {
    relay = await startSmtpServer();
    await relay.stop();
    const mailer = new SmtpMailer(relay.url, 'helpdesk@example.org', 300);
    await expect(mailer.send({ to: 'support@example.org', subject: 's', text: 't' })).rejects.toThrow();
    mailer.close();
  });
});
