// Signed Slack requests (v0 HMAC-SHA256 of "v0:<timestamp>:<body>"), as Slack sends them.
import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
}

let eventSeq = 0;

export function eventBody(event: Record<string, unknown>, eventId = `Ev${Date.now()}${++eventSeq}`) {
  return JSON.stringify({ token: 'x', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), event, authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }] });
}

export async function postSigned(url: string, body: string, contentType: string, headers: Record<string, string> = {}, signing = sign(body)) {
  return fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...signing, ...headers }, body });
}

export function postEvent(url: string, event: Record<string, unknown>, options: { eventId?: string; retryNum?: number } = {}) {
  const body = eventBody(event, options.eventId);
  return postSigned(url, body, 'application/json', options.retryNum ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {});
}

export function postCommand(url: string, fields: Record<string, string>) {
  const body = new URLSearchParams({ token: 'x', team_id: 'T1', team_domain: 't', channel_name: 'general', api_app_id: 'A1', ...fields }).toString();
  return postSigned(url, body, 'application/x-www-form-urlencoded');
}

export function postAction(url: string, payload: Record<string, unknown>) {
  const body = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', team: { id: 'T1', domain: 't' }, api_app_id: 'A1', token: 'x', trigger_id: 't', ...payload }) }).toString();
  return postSigned(url, body, 'application/x-www-form-urlencoded');
}
