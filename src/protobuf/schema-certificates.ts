// Wire schema of certificates.k8s.io/v1 (kubectl 1.32+ writes CSRs, approvals included, as protobuf). Field numbers
// from k8s.io/api certificates/v1/generated.proto; see schema-notation.ts for the notation.
import { ALWAYS as A, META as M } from './schema-notation.js';

export const CERTIFICATES_PROTO = `
syntax = "proto3";
package k8s.io.api.certificates.v1;

message CertificateSigningRequest {
  ${M}.ObjectMeta metadata = 1; CertificateSigningRequestSpec spec = 2; CertificateSigningRequestStatus status = 3;
}
message CertificateSigningRequestSpec {
  bytes request = 1 ${A}; string signerName = 7 ${A}; optional int32 expirationSeconds = 8; repeated string usages = 5;
  string username = 2; string uid = 3; repeated string groups = 4; map<string, ExtraValue> extra = 6;
}
message ExtraValue { repeated string items = 1; }
message CertificateSigningRequestStatus { repeated CertificateSigningRequestCondition conditions = 1; bytes certificate = 2; }
message CertificateSigningRequestCondition {
  string type = 1 ${A}; string status = 6 ${A}; string reason = 2; string message = 3;
  ${M}.Time lastUpdateTime = 4; ${M}.Time lastTransitionTime = 5;
}
`;
