// The simplest ticket inbox: one JSON file a ticket under DATA_DIR/tickets (the demo's default). A
// follow-up is written into its ticket's file (`followUps`), so one case stays one file for whoever
// reads the folder; only a follow-up whose ticket file is gone gets a file of its own.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Ticket } from '../ports/tickets.ts';
import type { DeliveryContext, TicketDelivery } from './ticket-queue.ts';

interface FollowUp {
  reference: string;
  createdAt: string;
  note?: string;
  solved?: boolean;
  transcript: string[];
  findings: Ticket['findings'];
}

export class FileTicketDelivery implements TicketDelivery {
  readonly name = 'file';

  constructor(private readonly dir: string) {}

  async deliver(reference: string, ticket: Ticket, ctx: DeliveryContext = {}): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const parent = ctx.parent?.reference ?? ticket.relatesTo;
    if (parent && (await this.addTo(parent, reference, ticket))) return;
    await this.write(reference, { reference, ...ticket });
  }

  /** Adds the follow-up to its ticket's file, once (a repeat after a crash finds it there); false when that file is gone. */
  private async addTo(parent: string, reference: string, ticket: Ticket): Promise<boolean> {
    let body: Record<string, unknown> & { followUps?: FollowUp[] };
    try {
      body = JSON.parse(await readFile(this.file(parent), 'utf8')) as typeof body;
    } catch {
      return false;
    }
    const followUps = body.followUps ?? [];
    if (!followUps.some((f) => f.reference === reference)) {
      followUps.push({
        reference,
        createdAt: ticket.createdAt,
        ...(ticket.note ? { note: ticket.note } : {}),
        ...(ticket.solved ? { solved: true } : {}),
        transcript: ticket.transcript,
        findings: ticket.findings,
      });
    }
    await this.write(parent, { ...body, followUps, ...(ticket.solved ? { solvedByPerson: ticket.createdAt } : {}) });
    return true;
  }

  private file(reference: string): string {
    return path.join(this.dir, `${path.basename(reference)}.json`);
  }

  /** Written beside and renamed into place: a reader never sees half a ticket. */
  private async write(reference: string, body: unknown): Promise<void> {
    const target = this.file(reference);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, target);
  }
}
