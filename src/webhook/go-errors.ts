// Node's connection and TLS errors in the words Go's net/http and crypto/tls give them, so a webhook failure reads
// as kube-apiserver's (`dial tcp 10.244.0.5:443: connect: connection refused`, `x509: certificate signed by unknown
// authority`). Anything else keeps Node's own message.

export function goTransportError(e: NodeJS.ErrnoException & { reason?: string }, host: string, port: number): string {
  const dial = `dial tcp ${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `${dial}: connect: connection refused`;
    case 'EHOSTUNREACH':
      return `${dial}: connect: no route to host`;
    case 'ENETUNREACH':
      return `${dial}: connect: network is unreachable`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${host}: no such host`;
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: ${e.reason ?? e.message}`;
    default:
      return e.message;
  }
}
