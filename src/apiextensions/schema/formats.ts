// The string formats apiextensions-apiserver checks (kube-openapi's strfmt registry, as its validator uses it):
// the name a wrong value is reported under, or undefined when the value fits or the format is not checked.
const RE: Record<string, RegExp> = {
  date: /^\d{4}-\d{2}-\d{2}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  uuid: /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  ipv4: /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/,
  hostname: /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/,
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  mac: /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/,
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/,
};

export function formatError(format: string, v: string): string | undefined {
  switch (format) {
    case 'ipv6':
      return /^[0-9a-fA-F:.]+$/.test(v) && v.includes(':') ? undefined : 'ipv6';
    case 'cidr': {
      const [ip, bits] = v.split('/');
      const ok =
        bits !== undefined &&
        /^\d+$/.test(bits) &&
        (RE.ipv4!.test(ip ?? '') ? Number(bits) <= 32 : (ip ?? '').includes(':') && Number(bits) <= 128);
      return ok ? undefined : 'cidr';
    }
    case 'uri':
      return URL.canParse(v) ? undefined : 'uri';
    case 'date-time':
      return RE['date-time']!.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))) ? undefined : 'date-time';
    default: {
      const re = RE[format];
      return !re || re.test(v) ? undefined : format;
    }
  }
}
