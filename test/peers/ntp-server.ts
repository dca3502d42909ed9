// A real NTP responder on loopback (RFC 5905 server-mode packets) whose clock can be set off by a
// known amount, or told to stay silent.
import { createSocket } from 'node:dgram';

const NTP_EPOCH_OFFSET = 2208988800;

function writeTimestamp(buf: Buffer, offset: number, ms: number): void {
  const seconds = Math.floor(ms / 1000) + NTP_EPOCH_OFFSET;
  const fraction = Math.floor(((ms % 1000) / 1000) * 2 ** 32);
  buf.writeUInt32BE(seconds >>> 0, offset);
  buf.writeUInt32BE(fraction >>> 0, offset + 4);
}

export interface NtpPeer {
  spec: string;
  port: number;
  /** Milliseconds this server's clock runs ahead of the host (negative: behind). */
  skewMs: number;
  silent: boolean;
  requests: number;
  close(): Promise<void>;
}

export async function startNtpServer(skewMs = 0): Promise<NtpPeer> {
  const socket = createSocket('udp4');
  const peer: NtpPeer = {
    spec: '',
    port: 0,
    skewMs,
    silent: false,
    requests: 0,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (msg, rinfo) => {
    peer.requests++;
    if (peer.silent || msg.length < 48) return;
    const received = Date.now() + peer.skewMs;
    const out = Buffer.alloc(48);
    out[0] = (0 << 6) | (4 << 3) | 4; // no leap warning, version 4, server mode
    out[1] = 2; // stratum
    out[2] = 4; // poll
    out[3] = 0xec; // precision 2^-20
    out.writeUInt32BE(0, 4); // root delay
    out.writeUInt32BE(0x00000100, 8); // root dispersion (small)
    out.write('TEST', 12, 'ascii');
    writeTimestamp(out, 16, received - 1000);
    msg.copy(out, 24, 40, 48); // origin = the client's transmit timestamp
    writeTimestamp(out, 32, received);
    writeTimestamp(out, 40, Date.now() + peer.skewMs);
    socket.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  peer.port = socket.address().port;
  peer.spec = `127.0.0.1:${peer.port}`;
  return peer;
}
