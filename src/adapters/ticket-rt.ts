// Request Tracker 5 as a ticket sink, through its REST2 API: the ticket in a queue with the person as
// requestor (only an address they proved), the transcript and findings as its first message, urgency as
// priority; a follow-up as a comment (or correspondence) on the same ticket; the status read back.
// Filing can be repeated: the reference is in the subject, and RT is asked for it before anything is
// created, so a replica that died after RT took the ticket and before it was written down files nothing twice.
import { z } from 'zod';
import type { Logger } from '../ports/logger.ts';
import type { Ticket, TicketState } from '../ports/tickets.ts';
import type { Delivered, DeliveryContext, TicketDelivery } from './ticket-queue.ts';
import { HttpStatusError, requestJson, type TicketHttp } from './ticket-http.ts';
import { provenEmail, ticketSubject, ticketText } from './ticket-text.ts';

export interface RtOptions {
  url: string;
  queue: string;
  auth: { token: string } | { user: string; password: string };
  priority: number;
  urgentPriority: number;
  followUp: 'comment' | 'correspond';
  centre: string;
  timeoutMs?: number;
}

const Created = z.object({ id: z.coerce.string() });
const Collection = z.object({ total: z.coerce.number().optional(), count: z.coerce.number(), items: z.array(z.object({ id: z.coerce.string() })) });
const RtTicket = z.object({
  id: z.coerce.string(),
  Status: z.string(),
  LastUpdated: z.string().optional(),
  Requestor: z.array(z.object({ id: z.string() })).default([]),
});

/** RT's default lifecycle, in the words every sink shares (a custom status counts as open). */
const STATES: Record<string, TicketState> = { new: 'new', open: 'open', stalled: 'waiting', resolved: 'resolved', rejected: 'closed', deleted: 'closed' };

const REFERENCE = /^[A-Z]{2}-[A-Z0-9]{4,12}$/;

export class RtTicketDelivery implements TicketDelivery {
  readonly name = 'rt';
  private readonly http: TicketHttp;

  constructor(
    private readonly o: RtOptions,
    private readonly log: Logger,
  ) {
    const authorization = 'token' in o.auth ? `token ${o.auth.token}` : `Basic ${Buffer.from(`${o.auth.user}:${o.auth.password}`).toString('base64')}`;
    this.http = { what: 'RT_URL', base: `${o.url.replace(/\/$/, '')}/REST/2.0/`, headers: { authorization }, timeoutMs: o.timeoutMs ?? 15_000 };
  }

  async deliver(reference: string, t: Ticket, ctx: DeliveryContext): Promise<Delivered> {
    if (!REFERENCE.test(reference)) throw new Error(`not a ticket reference: ${reference}`);
    const parentId = ctx.parent?.externalId;
    if (parentId) {
      await this.addFollowUp(reference, t, parentId);
      return { externalId: parentId };
    }
    const found = await requestJson(this.http, 'GET', `tickets?query=${encodeURIComponent(`Subject LIKE '[${reference}]'`)}`, Collection);
    if (found.items[0]) return { externalId: found.items[0].id };
    const notes = ctx.parent ? [`(The ticket ${ctx.parent.reference} this follows up is not in RT.)`] : [];
    return { externalId: await this.create(reference, t, notes) };
  }

  private async create(reference: string, t: Ticket, notes: string[]): Promise<string> {
    const requestor = provenEmail(t);
    const body = {
      Queue: this.o.queue,
      Subject: ticketSubject(reference, t, this.o.centre),
      ContentType: 'text/plain',
      Priority: t.urgent ? this.o.urgentPriority : this.o.priority,
    };
    if (!requestor) return (await requestJson(this.http, 'POST', 'ticket', Created, { ...body, Content: ticketText(reference, t, notes) })).id;
    let id: string;
    try {
      id = (await requestJson(this.http, 'POST', 'ticket', Created, { ...body, Requestor: requestor, Content: ticketText(reference, t, notes) })).id;
    } catch (err) {
      if (!(err instanceof HttpStatusError) || err.status !== 400) throw err;
      // Refused with the requestor: filed without, and the ticket says so.
      return this.refused(reference, (await requestJson(this.http, 'POST', 'ticket', Created, { ...body, Content: ticketText(reference, t, [...notes, refusedNote(requestor)]) })).id, false);
    }
    // RT drops a requestor it cannot make a user of and creates the ticket anyway: read it back.
    const filed = await requestJson(this.http, 'GET', `ticket/${id}`, RtTicket);
    if (!filed.Requestor.some((r) => r.id.toLowerCase() === requestor.toLowerCase())) {
      await requestJson(this.http, 'POST', `ticket/${id}/comment`, z.unknown(), { Content: refusedNote(requestor), ContentType: 'text/plain' });
      return this.refused(reference, id, true);
    }
    return id;
  }

  private refused(reference: string, id: string, dropped: boolean): string {
    this.log.warn('RT refused the requestor; filed without', { code: 'ticket.requestor-refused', ticket: reference, rt: id, dropped });
    return id;
  }

  /** The follow-up as a comment or correspondence, unless RT has it already (its subject carries its reference). */
  private async addFollowUp(reference: string, t: Ticket, id: string): Promise<void> {
    const seen = await requestJson(this.http, 'POST', 'attachments', Collection, [{ field: 'Subject', operator: 'LIKE', value: `[${reference}]` }]);
    if (seen.count > 0) return;
    await requestJson(this.http, 'POST', `ticket/${id}/${this.o.followUp}`, z.unknown(), {
      Subject: ticketSubject(reference, t, this.o.centre),
      Content: ticketText(reference, t),
      ContentType: 'text/plain',
    });
  }

  async status(externalId: string) {
    const got = await requestJson(this.http, 'GET', `ticket/${encodeURIComponent(externalId)}`, RtTicket);
    return { state: STATES[got.Status] ?? 'open', ...(got.LastUpdated ? { updatedAt: got.LastUpdated } : {}) };
  }
}

function refusedNote(address: string): string {
  return `RT did not take ${address} as the requestor: this ticket has none, so replies reach nobody by mail. The address was proved; write to it directly.`;
}
