// Kubernetes' URL library (k8s.io/apiserver/pkg/cel/library/urls.go): url() and isURL() accept what Go's
// url.ParseRequestURI accepts (an absolute URI or an absolute path); the getters read url.Parse's result, so a
// fragment is split off there.
import type { Environment } from '@marcbachmann/cel-js';
import * as gourl from './go-url.js';
import { registerFunctions, type CelFunction } from './register.js';

export const URL_TYPE = 'kubernetes.URL';

/** A parsed URL as a CEL value. */
export class CelURL {
  static readonly celTypeName = URL_TYPE;
  constructor(
    readonly text: string,
    readonly url: gourl.GoURL,
  ) {}
  toString(): string {
    return this.text;
  }
}

export function toURL(s: string): CelURL {
  try {
    gourl.parseRequestURI(s);
    return new CelURL(s, gourl.parseURL(s));
  } catch (e) {
    throw new Error(`URL parse error during conversion from string: ${(e as Error).message}`);
  }
}

export function isURL(s: string): boolean {
  try {
    gourl.parseRequestURI(s);
    return true;
  } catch {
    return false;
  }
}

const getter = (name: string, f: (u: gourl.GoURL) => string): CelFunction => ({
  name,
  receiverType: URL_TYPE,
  returnType: 'string',
  params: [],
  handler: (u: CelURL) => f(u.url),
});

export function registerURLLibrary(env: Environment): void {
  env.registerType(URL_TYPE, CelURL);
  registerFunctions(env, [
    { name: 'url', returnType: URL_TYPE, params: ['string'], handler: toURL },
    { name: 'isURL', returnType: 'bool', params: ['string'], handler: isURL },
    getter('getScheme', (u) => u.scheme),
    getter('getHost', (u) => u.host),
    getter('getHostname', gourl.hostname),
    getter('getPort', gourl.port),
    getter('getEscapedPath', gourl.escapedPath),
    {
      name: 'getQuery',
      receiverType: URL_TYPE,
      returnType: 'map<string, list<string>>',
      params: [],
      handler: (u: CelURL) => gourl.query(u.url),
    },
  ]);
  env.registerOperator(`${URL_TYPE} == ${URL_TYPE}`, (a: CelURL, b: CelURL) => a.text === b.text);
}
