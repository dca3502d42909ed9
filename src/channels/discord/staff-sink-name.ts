// The name the Discord staff channel's card poster has among the ticket sinks (in logs, metrics and
// `ticket_deliveries`): the ticket queue keeps its place until the channel attaches it.
export const DISCORD_STAFF_SINK = 'discord-staff';
