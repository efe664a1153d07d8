// Responses in `application/vnd.kubernetes.protobuf` for the built-in kinds (client-go's default for typed clients):
// objects and lists in the k8s envelope, watch events as length-prefixed frames. The wire schema and protobufjs load
// on the first such response, not at start-up.
import type { Request, Response } from 'express';
import { apiVersionOf, type ResourceDef } from '../registry/types.js';
import { GROUP_PACKAGES } from '../protobuf/wire-groups.js';
import { PROTOBUF_MEDIA_TYPE, parseAccept } from './negotiation.js';
import { sendObject } from './respond.js';

type Encoder = typeof import('../protobuf/encode.js');

/** Whether the resource's group version has a wire schema (custom resources and aggregated APIs do not). */
export const servesProtobuf = (def: ResourceDef): boolean => Object.hasOwn(GROUP_PACKAGES, apiVersionOf(def));

let encoder: Promise<Encoder> | undefined;
/** The encoder module, imported once. */
export const loadProtobufEncoder = (): Promise<Encoder> => (encoder ??= import('../protobuf/encode.js'));

/** Sends `body` in the negotiated format; protobuf falls back to JSON for a kind the wire schema lacks. */
export async function sendNegotiated(res: Response, code: number, body: unknown, format: 'json' | 'yaml' | 'protobuf'): Promise<void> {
  if (format !== 'protobuf') {
    sendObject(res, code, body, format);
    return;
  }
  const bytes = (await loadProtobufEncoder()).encodeKubernetesProtobuf(body as { apiVersion?: unknown; kind?: unknown });
  if (!bytes) {
    sendObject(res, code, body);
    return;
  }
  if (res.locals.auditCapture) res.locals.auditBody = body;
  res.status(code).type(PROTOBUF_MEDIA_TYPE).send(bytes);
}

/**
 * A write's answer: protobuf when the client's first plain media type is protobuf (client-go's typed clients), JSON
 * otherwise (Table or PartialObjectMetadata clauses are passed over: writes answer the object).
 */
export function writeAnswerFormat(accept: string | undefined, protobuf: boolean): 'json' | 'protobuf' {
  for (const m of parseAccept(accept)) {
    if (m.params.as) continue;
    if (m.type === PROTOBUF_MEDIA_TYPE) {
      if (protobuf) return 'protobuf';
      continue;
    }
    return 'json';
  }
  return 'json';
}

/** Sends a write's answer (the object, a list, or a Status) as the client negotiated. */
export const sendWriteAnswer = (req: Request, res: Response, def: ResourceDef, code: number, body: unknown): Promise<void> =>
  sendNegotiated(res, code, body, writeAnswerFormat(req.headers.accept, servesProtobuf(def)));
