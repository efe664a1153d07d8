// JSON and YAML text decoded within the decoders' bounds, their refusals worded as the apiserver's (a Status: 400,
// or 413 when a value expands past the body limit). Shared by request bodies and server-side apply.
import { badRequest, tooLarge } from '../api/errors.js';
import { DecodeLimitError } from './limits.js';
import { YamlDecodeError, decodeYaml } from './yaml.js';
import { GoJSONSyntaxError, parseJSONLikeGo } from '../patch/go-json.js';

/** A decoder's refusal as a Status: 413 when the decoded value is too large, else 400 with `message(detail)`. */
export function limitError(e: unknown, message: (detail: string) => string): unknown {
  if (e instanceof DecodeLimitError && e.tooLarge) return tooLarge();
  if (e instanceof DecodeLimitError || e instanceof YamlDecodeError || e instanceof GoJSONSyntaxError)
    return badRequest(message(e.message));
  return e;
}

/** A JSON body, with encoding/json's messages (nesting past the bound included). */
export function parseJson(text: string): unknown {
  if (!text.trim()) throw badRequest("Object 'Kind' is missing in ''");
  try {
    return parseJSONLikeGo(text);
  } catch (e) {
    throw limitError(e, (m) => `couldn't get version/kind; json parse error: ${m}`);
  }
}

/** A YAML body (duplicate keys: last wins; field validation reports them), aliases and nesting bounded. */
export function parseYaml(text: string): unknown {
  try {
    return decodeYaml(text);
  } catch (e) {
    throw limitError(e, (m) => `error converting YAML to JSON: ${m}`);
  }
}
