// A server as configured (DNS_SERVERS, NTP_SERVERS): a host name or address and a port.
export interface HostPort {
  host: string;
  port: number;
}
