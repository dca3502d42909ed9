// Zammad as a ticket sink, through its REST API (docs.zammad.org/en/latest/api/ticket/index.html and
// …/api/ticket/articles.html): the ticket in a group with the person as customer (only an address they
// proved; else the configured stand-in, and the ticket says so), the transcript and findings as its
// first article, urgency as priority; a follow-up as an article on the same ticket; the state read back.
// Filing can be repeated: the reference is in the title (and an article's subject), and Zammad is
// searched for it before anything is created.
import { z } from 'zod';
import type { Ticket, TicketState } from '../ports/tickets.ts';
import type { Delivered, DeliveryContext, TicketDelivery } from './ticket-queue.ts';
import { HttpStatusError, requestJson, type TicketHttp } from './ticket-http.ts';
import type { Logger } from '../ports/logger.ts';
import { provenEmail, ticketSubject, ticketText } from './ticket-text.ts';

export interface ZammadOptions {
  url: string;
  token: string;
  group: string;
  /** The customer of a ticket whose person proved no address. */
  anonymousCustomer: string;
  centre: string;
  timeoutMs?: number;
  /** Where a refused customer is logged (code ticket.requestor-refused). */
  log?: Logger;
}

const Created = z.object({ id: z.coerce.string() });
const Found = z.array(z.object({ id: z.coerce.string(), title: z.string() }));
const Article = z.object({ id: z.coerce.string(), subject: z.string().nullish() });
const ZammadTicket = z.object({ id: z.coerce.string(), state: z.string(), updated_at: z.string().optional() });

/** Zammad's default states, in the words every sink shares. */
const STATES: Record<string, TicketState> = {
  new: 'new',
  open: 'open',
  'pending reminder': 'waiting',
  'pending close': 'waiting',
  closed: 'closed',
  merged: 'closed',
  removed: 'closed',
};

/** Zammad's default priorities: 2 normal, 3 high. */
const PRIORITY = { normal: 2, high: 3 };

export class ZammadTicketDelivery implements TicketDelivery {
  readonly name = 'zammad';
  private readonly http: TicketHttp;

  constructor(private readonly o: ZammadOptions) {
    this.http = { what: 'ZAMMAD_URL', base: `${o.url.replace(/\/$/, '')}/api/v1/`, headers: { authorization: `Token token=${o.token}` }, timeoutMs: o.timeoutMs ?? 15_000 };
  }

  async deliver(reference: string, t: Ticket, ctx: DeliveryContext): Promise<Delivered> {
    const parentId = ctx.parent?.externalId;
    if (parentId) {
      const articles = await requestJson(this.http, 'GET', `ticket_articles/by_ticket/${encodeURIComponent(parentId)}`, z.array(Article));
      if (!articles.some((a) => a.subject?.includes(`[${reference}]`))) {
        await requestJson(this.http, 'POST', 'ticket_articles', Created, { ticket_id: Number(parentId), ...this.article(reference, t) });
      }
      return { externalId: parentId };
    }
    const found = await requestJson(this.http, 'GET', `tickets/search?expand=true&query=${encodeURIComponent(`title:"${reference}"`)}`, Found);
    const mine = found.find((f) => f.title.includes(`[${reference}]`));
    if (mine) return { externalId: mine.id };
    const customer = provenEmail(t);
    const notes = [
      ...(customer ? [] : [`(No proved address: the customer is ${this.o.anonymousCustomer}, a stand-in. Do not reply by mail.)`]),
      ...(ctx.parent ? [`(The ticket ${ctx.parent.reference} this follows up is not in Zammad.)`] : []),
    ];
    const create = (who: string, lines: string[]) =>
      requestJson(this.http, 'POST', 'tickets', Created, {
        title: ticketSubject(reference, t, this.o.centre),
        group: this.o.group,
        customer_id: `guess:${who}`,
        priority_id: t.urgent ? PRIORITY.high : PRIORITY.normal,
        article: this.article(reference, t, lines),
      });
    if (!customer) return { externalId: (await create(this.o.anonymousCustomer, notes)).id };
    try {
      return { externalId: (await create(customer, notes)).id };
    } catch (err) {
      // Zammad will not make a user of the address ("Invalid email", 422): filed with the stand-in, and the ticket says so.
      if (!(err instanceof HttpStatusError) || err.status !== 422 || !/email|customer/i.test(err.message)) throw err;
      const created = await create(this.o.anonymousCustomer, [...notes, `(Zammad would not take ${customer}, the person's proved address, as the customer: the customer is ${this.o.anonymousCustomer}, a stand-in. Reply to ${customer} by hand.)`]);
      this.o.log?.warn('Zammad refused the customer; filed with the stand-in', { code: 'ticket.requestor-refused', ticket: reference, zammad: created.id });
      return { externalId: created.id };
    }
  }

  private article(reference: string, t: Ticket, notes: string[] = []) {
    return { subject: ticketSubject(reference, t, this.o.centre), body: ticketText(reference, t, notes), type: 'note', internal: true, content_type: 'text/plain' };
  }

  async status(externalId: string) {
    const got = await requestJson(this.http, 'GET', `tickets/${encodeURIComponent(externalId)}?expand=true`, ZammadTicket);
    return { state: STATES[got.state] ?? 'open', ...(got.updated_at ? { updatedAt: got.updated_at } : {}) };
  }
}
