// The name the Slack staff channel's card poster has among the ticket sinks (in logs, metrics and
// `ticket_deliveries`): the ticket queue keeps its place until the channel attaches it.
export const SLACK_STAFF_SINK = 'slack-staff';
