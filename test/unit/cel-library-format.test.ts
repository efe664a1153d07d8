// Kubernetes' format CEL library (src/admission/cel/library/format.ts), table-driven from upstream's format_test.go.
import { FORMAT_NAMES } from '../../src/admission/cel/library/format.js';
import { celRun } from '../support/cel.js';

const NONE: [string][] = [
  ['format.dns1123Label().validate("my-label-name")'],
  ['format.dns1123Subdomain().validate("apiextensions.k8s.io")'],
  ['format.qualifiedName().validate("apiextensions.k8s.io/v1beta1")'],
  ['format.dns1123LabelPrefix().validate("my-label-prefix-")'],
  ['format.dns1123SubdomainPrefix().validate("mysubdomain.prefix.-")'],
  ['format.dns1035LabelPrefix().validate("my-label-prefix-")'],
  ['format.uri().validate("http://example.com")'],
  ['format.uuid().validate("123e4567-e89b-12d3-a456-426614174000")'],
  ['format.byte().validate("aGVsbG8=")'],
  ['format.date().validate("2021-01-01")'],
  ['format.datetime().validate("2021-01-01T00:00:00Z")'],
  ['format.datetime().validate("2021-01-01t10:20:30.5+02:00")'],
  ['format.dns1123Subdomain().validate("example.com")'],
  ['format.dns1035Label().validate("my-label-name")'],
  ['format.qualifiedName().validate("my.name")'],
  ['format.labelValue().validate("my-cool-label-Value")'],
  ['format.labelValue().validate("")'],
];

const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const ERRORS: [string, string[]][] = [
  ['format.dns1123Label().validate("contains a space")', [LABEL]],
  ['format.dns1123Subdomain().validate("contains a space")', [SUBDOMAIN]],
  ['format.dns1035Label().validate("contains a space")', [DNS1035]],
  [
    'format.qualifiedName().validate("contains a space")',
    [
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
  ],
  ['format.dns1123LabelPrefix().validate("contains a space-")', [LABEL]],
  ['format.dns1123SubdomainPrefix().validate("contains a space-")', [SUBDOMAIN]],
  ['format.dns1035LabelPrefix().validate("contains a space-")', [DNS1035]],
  ['format.byte().validate("aGVsbG8")', ['invalid base64']],
  ['format.date().validate("2020-01-32")', ['invalid date']],
  ['format.date().validate("2021-02-29")', ['invalid date']],
  ['format.datetime().validate("2020-01-32T00:00:00Z")', ['invalid datetime']],
  ['format.datetime().validate("2020-01-01T24:00:00Z")', ['invalid datetime']],
  ['format.uuid().validate("123e4567-e89b-12d3-a456")', ['does not match the UUID format']],
  ['format.uri().validate("../x")', ['parse "../x": invalid URI for request']],
  [
    'format.labelValue().validate("my-cool-label-Value!!\\n\\n!!!")',
    [
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
  ],
];

describe('format library', () => {
  it.each(NONE)('%s is optional.none()', (expr) => expect(celRun(`${expr}.hasValue()`)).toEqual({ value: false }));
  it.each(ERRORS)('%s lists the errors', (expr, errs) => expect(celRun(`${expr}.value()`)).toEqual({ value: errs }));

  it('names the formats upstream names, each equal to itself only', () => {
    expect(FORMAT_NAMES.sort()).toEqual(
      [
        'byte',
        'date',
        'datetime',
        'dns1035Label',
        'dns1035LabelPrefix',
        'dns1123Label',
        'dns1123LabelPrefix',
        'dns1123Subdomain',
        'dns1123SubdomainPrefix',
        'labelValue',
        'qualifiedName',
        'uri',
        'uuid',
      ].sort(),
    );
    for (const a of FORMAT_NAMES) {
      expect(celRun(`format.named("${a}").hasValue()`)).toEqual({ value: true });
      expect(celRun(`format.named("${a}").value() == format.${a}()`)).toEqual({ value: true });
      for (const b of FORMAT_NAMES) if (a !== b) expect(celRun(`format.${a}() == format.${b}()`)).toEqual({ value: false });
    }
    expect(celRun('format.named("unknown").hasValue()')).toEqual({ value: false });
  });

  it('reads as upstream documents it: a rule and its messageExpression', () => {
    const obj = { metadata: { name: 'Bad_Name' } };
    expect(celRun('!format.dns1123Label().validate(object.metadata.name).hasValue()', obj)).toEqual({ value: false });
    expect(celRun('format.dns1123Label().validate(object.metadata.name).value().join("\\n")', obj)).toEqual({ value: LABEL });
  });
});
