// One DNS message in, one out: the cluster's names answered from its data (authoritative, TTL 5), other names
// forwarded upstream (SERVFAIL when no upstream answers in time), UDP answers truncated to the client's size.
import dnsPacket, { type Answer, type DecodedPacket, type RecordType } from 'dns-packet';
import type { ClusterDnsData } from './cluster-data.js';
import type { Transport } from './forwarder.js';
import { encodeWithin, opcodeOf, rcodeOnly, responseTo, udpLimit } from './response.js';
import { answerQuestion } from './zone-answer.js';

export interface QueryDeps {
  /** the cluster's data as the informers see it now */
  data(): ClusterDnsData;
  /** the raw query sent upstream; undefined when none answered */
  forward(query: Buffer, transport: Transport): Promise<Buffer | undefined>;
  /** upstream records of a name outside the cluster (an ExternalName's target) */
  lookup(name: string, type: RecordType): Promise<Answer[]>;
}

/** The TCP message size bound: a DNS message's length field is 16 bits. */
const TCP_LIMIT = 65535;

/** The response to one message; undefined for something that is not a DNS query at all (dropped, as CoreDNS does). */
export async function handleQuery(raw: Buffer, transport: Transport, deps: QueryDeps): Promise<Buffer | undefined> {
  if (raw.length < 12) return undefined;
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(raw);
  } catch {
    return rcodeOnly(raw.readUInt16BE(0), 'FORMERR');
  }
  if (query.type !== 'query') return undefined;
  const limit = transport === 'udp' ? udpLimit(query) : TCP_LIMIT;
  const q = query.questions?.[0];
  if (opcodeOf(query) !== 0) return rcodeOnly(query.id ?? 0, 'NOTIMP', query.questions);
  if (!q || query.questions!.length !== 1) return rcodeOnly(query.id ?? 0, 'FORMERR', query.questions);
  const zone = answerQuestion(deps.data(), q);
  if (!zone) {
    const upstream = await deps.forward(raw, transport);
    if (!upstream) return encodeWithin(responseTo(query, { rcode: 'SERVFAIL' }), limit);
    return upstream;
  }
  const answers = [...zone.answers];
  if (zone.chase) answers.push(...(await deps.lookup(zone.chase.name, zone.chase.type)));
  const response = responseTo(query, { ...zone, answers, authoritative: true });
  return encodeWithin(response, limit);
}
