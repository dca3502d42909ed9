// The simplest ticket inbox: one JSON file a ticket under DATA_DIR/tickets (the demo's default).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Ticket } from '../ports/tickets.ts';
import type { TicketDelivery } from './ticket-queue.ts';

export class FileTicketDelivery implements TicketDelivery {
  readonly name = 'file';

  constructor(private readonly dir: string) {}

  async deliver(reference: string, ticket: Ticket): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, `${reference}.json`), `${JSON.stringify({ reference, ...ticket }, null, 2)}\n`, { mode: 0o600 });
  }
}
