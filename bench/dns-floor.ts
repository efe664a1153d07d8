// The DNS bench's floor, run as its own process: decodes each query and answers it with one A record (dns-packet), the
// least a JavaScript DNS server does per query. Prints its port, then serves until killed.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

const sock = dgram.createSocket('udp4');
sock.on('message', (m, r) => {
  const q = dnsPacket.decode(m);
  const name = q.questions?.[0]?.name ?? '';
  sock.send(
    dnsPacket.encode({
      id: q.id,
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: q.questions,
      answers: [{ type: 'A', name, ttl: 5, class: 'IN', data: '10.96.0.1' }],
    }),
    r.port,
    r.address,
  );
});
sock.bind(0, '127.0.0.1', () => process.stdout.write(`${sock.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
