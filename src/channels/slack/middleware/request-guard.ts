// In front of Bolt's HTTP receiver at POST /slack/events: refuses requests stamped in the future,
// and tells the turn queue while an ack is in flight (turns wait for acks, not the other way).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TurnQueue } from '../turn-queue.ts';

/** How far a signed request's timestamp may be from now, either way (Slack's own rule is five minutes). */
const SLACK_CLOCK_TOLERANCE_MS = 5 * 60_000;

export function guardRequests(queue: TurnQueue, receive: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    // Bolt refuses requests older than five minutes but not ones from the future: a signed request
    // stamped a year ahead could be replayed all year. Both sides of now count.
    const stamp = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(stamp) && stamp * 1000 > Date.now() + SLACK_CLOCK_TOLERANCE_MS) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('request timestamp is in the future\n');
      return;
    }
    res.once('close', queue.arrived());
    receive(req, res);
  };
}
