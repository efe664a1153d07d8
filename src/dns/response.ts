// DNS messages on the wire (dns-packet): a response to a query, and its UDP form, truncated (TC) to what the client
// can take — 512 bytes, or the EDNS payload size it announced — so that it asks again over TCP for the whole answer.
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import { encodeCompressed } from './compress.js';

const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type Rcode = keyof typeof RCODES;

/** What we announce and accept as an EDNS UDP payload: the DNS flag day's 1232, never less than plain DNS's 512. */
export const EDNS_PAYLOAD = 1232;
export const PLAIN_UDP_LIMIT = 512;

/** The header's rcode and opcode (dns-packet decodes them; its type declarations leave them out). */
export const rcodeOf = (p: Packet): number => (p.flags ?? 0) & 0xf;
export const opcodeOf = (p: Packet): number => ((p.flags ?? 0) >> 11) & 0xf;
export const RCODE = RCODES;

const optOf = (p: Packet) => (p.additionals ?? []).find((a) => a.type === 'OPT');

/** The largest UDP response the query's sender takes. */
export function udpLimit(query: Packet): number {
  const opt = optOf(query) as { udpPayloadSize?: number } | undefined;
  if (!opt) return PLAIN_UDP_LIMIT;
  return Math.max(PLAIN_UDP_LIMIT, Math.min(opt.udpPayloadSize ?? PLAIN_UDP_LIMIT, EDNS_PAYLOAD));
}

export interface ResponseParts {
  rcode: Rcode;
  answers?: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
  /** authoritative for the cluster's names (AA) */
  authoritative?: boolean;
}

/** A response to `query`: its id and question, RD echoed, RA set (we recurse for the client), OPT when it sent one. */
export function responseTo(query: DecodedPacket, parts: ResponseParts): Packet {
  const rd = query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  const aa = parts.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0;
  const opt: Answer[] = optOf(query)
    ? [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
    : [];
  return {
    id: query.id,
    type: 'response',
    flags: rd | aa | dnsPacket.RECURSION_AVAILABLE | RCODES[parts.rcode],
    questions: query.questions ?? [],
    answers: parts.answers ?? [],
    authorities: parts.authorities ?? [],
    additionals: [...(parts.additionals ?? []), ...opt],
  };
}

/** A response carrying only an rcode, for a message whose header alone could be read (FORMERR) or any query. */
export function rcodeOnly(id: number, rcode: Rcode, questions: DecodedPacket['questions'] = []): Buffer {
  return dnsPacket.encode({ id, type: 'response', flags: dnsPacket.RECURSION_AVAILABLE | RCODES[rcode], questions });
}

/**
 * The packet encoded (owner names compressed) within `limit` bytes: whole when it fits; else with TC set and as many answers as fit (the
 * additional and authority sections dropped first, the OPT record kept), as CoreDNS's request.Scrub.
 */
export function encodeWithin(packet: Packet, limit: number): Buffer {
  const whole = encodeCompressed(packet);
  if (whole.length <= limit) return whole;
  const opt = (packet.additionals ?? []).filter((a) => a.type === 'OPT');
  const answers = packet.answers ?? [];
  const truncated = (n: number) =>
    encodeCompressed({
      ...packet,
      flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
      answers: answers.slice(0, n),
      authorities: [],
      additionals: opt,
    });
  // The most answers that fit: a binary search over the count (encoding is linear in it).
  let lo = 0;
  let hi = answers.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (truncated(mid).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  return truncated(lo);
}
