// A contract server for Zammad's REST API (no Zammad package can be installed here): the endpoints the
// zammad sink calls, answering the shapes Zammad's own documentation gives, each cited:
//   auth      docs.zammad.org/en/latest/api/intro.html ("Authorization: Token token=…"; 401 without)
//   tickets   docs.zammad.org/en/latest/api/ticket/index.html (POST /api/v1/tickets with title, group,
//             customer_id ("guess:<email>" makes the customer), priority_id, article {…} → 201 the ticket;
//             GET /api/v1/tickets/{id}?expand=true → the ticket with state, group, priority names;
//             GET /api/v1/tickets/search?query=…&expand=true → an array of tickets)
//   articles  docs.zammad.org/en/latest/api/ticket/articles.html (POST /api/v1/ticket_articles with
//             ticket_id, subject, body, content_type, type, internal → 201 the article;
//             GET /api/v1/ticket_articles/by_ticket/{id} → an array of articles)
//   errors    {"error": "…", "error_human": "…"} with 401, 404, 422 (tickets_controller, application
//             controller's error handling)
// It can be switched down (503) or slow, to play a Zammad that does not answer.
import type { IncomingMessage } from 'node:http';
import { json, startHttpServer, type HttpPeer } from './http-server.ts';

export const ZAMMAD_TOKEN = 'zammad-test-token-1234';
const STATES = ['', 'new', 'open', 'pending reminder', 'closed', 'merged', 'removed', 'pending close'];

export interface ZammadTicketRow {
  id: number;
  number: string;
  title: string;
  group: string;
  customer: string;
  priority_id: number;
  state_id: number;
  created_at: string;
  updated_at: string;
}

export interface ZammadArticleRow {
  id: number;
  ticket_id: number;
  subject: string;
  body: string;
  content_type: string;
  type: string;
  internal: boolean;
  created_at: string;
}

export interface ZammadPeer extends HttpPeer {
  tickets: ZammadTicketRow[];
  articles: ZammadArticleRow[];
  groups: string[];
  /** Addresses Zammad will not make a user of: 422 "Invalid email" (User#check_email raises Exceptions::UnprocessableEntity). */
  refusedCustomers: string[];
  /** 503 to every request while set. */
  down: boolean;
  /** Each answer waits this long (ms). */
  delayMs: number;
  setState(id: number, state: string): void;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
}

export async function startZammad(): Promise<ZammadPeer> {
  const tickets: ZammadTicketRow[] = [];
  const articles: ZammadArticleRow[] = [];
  const now = () => new Date().toISOString();
  const expand = (t: ZammadTicketRow) => ({ ...t, group_id: 1, state: STATES[t.state_id], priority: `${t.priority_id} ${['', 'low', 'normal', 'high'][t.priority_id]}` });
  const addArticle = (ticketId: number, a: Record<string, unknown>): ZammadArticleRow => {
    const row = {
      id: articles.length + 1,
      ticket_id: ticketId,
      subject: String(a.subject ?? ''),
      body: String(a.body ?? ''),
      content_type: String(a.content_type ?? 'text/html'),
      type: String(a.type ?? 'note'),
      internal: a.internal === true,
      created_at: now(),
    };
    articles.push(row);
    return row;
  };
  const peer = (await startHttpServer(async (req, res) => {
    if (peer.delayMs) await new Promise((r) => setTimeout(r, peer.delayMs));
    if (peer.down) return json(res, 503, '<html>Service Unavailable</html>');
    if (req.headers.authorization !== `Token token=${ZAMMAD_TOKEN}`) return json(res, 401, { error: 'Authentication required' });
    const url = new URL(req.url ?? '/', 'http://zammad');
    const p = url.pathname;
    if (req.method === 'POST' && p === '/api/v1/tickets') {
      const b = await body(req);
      const group = String(b.group ?? '');
      if (!peer.groups.includes(group)) return json(res, 422, { error: `No lookup value found for 'group': "${group}"` });
      const customer = String(b.customer_id ?? b.customer ?? '');
      if (!customer) return json(res, 422, { error: 'Customer is required' });
      const address = customer.replace(/^guess:/, '');
      if (peer.refusedCustomers.includes(address)) return json(res, 422, { error: `Invalid email '${address}'`, error_human: `Invalid email '${address}'` });
      const t: ZammadTicketRow = {
        id: tickets.length + 1,
        number: String(31001 + tickets.length),
        title: String(b.title ?? ''),
        group,
        customer: customer.replace(/^guess:/, ''),
        priority_id: Number(b.priority_id ?? 2),
        state_id: 1,
        created_at: now(),
        updated_at: now(),
      };
      tickets.push(t);
      if (b.article && typeof b.article === 'object') addArticle(t.id, b.article as Record<string, unknown>);
      return json(res, 201, { ...t, article_ids: articles.filter((a) => a.ticket_id === t.id).map((a) => a.id) });
    }
    if (req.method === 'GET' && p === '/api/v1/tickets/search') {
      const m = (url.searchParams.get('query') ?? '').match(/^title:"(.*)"$/);
      const hits = tickets.filter((t) => (m ? t.title.includes(m[1] ?? '') : false));
      return json(res, 200, url.searchParams.get('expand') === 'true' ? hits.map(expand) : { tickets: hits.map((t) => t.id), tickets_count: hits.length });
    }
    const one = p.match(/^\/api\/v1\/tickets\/(\d+)$/);
    if (req.method === 'GET' && one) {
      const t = tickets.find((x) => x.id === Number(one[1]));
      if (!t) return json(res, 404, { error: "Couldn't find Ticket with 'id'=" + one[1] });
      return json(res, 200, url.searchParams.get('expand') === 'true' ? expand(t) : t);
    }
    if (req.method === 'POST' && p === '/api/v1/ticket_articles') {
      const b = await body(req);
      const t = tickets.find((x) => x.id === Number(b.ticket_id));
      if (!t) return json(res, 422, { error: 'ticket_id is invalid' });
      t.updated_at = now();
      return json(res, 201, addArticle(t.id, b));
    }
    const by = p.match(/^\/api\/v1\/ticket_articles\/by_ticket\/(\d+)$/);
    if (req.method === 'GET' && by) return json(res, 200, articles.filter((a) => a.ticket_id === Number(by[1])));
    return json(res, 404, { error: `No route matches [${req.method}] "${p}"` });
  })) as ZammadPeer;
  Object.assign(peer, {
    tickets,
    articles,
    groups: ['Users'],
    refusedCustomers: [],
    down: false,
    delayMs: 0,
    setState(id: number, state: string) {
      const t = tickets.find((x) => x.id === id);
      if (t) {
        t.state_id = STATES.indexOf(state);
        t.updated_at = now();
      }
    },
  });
  return peer;
}
