// Sysctl names as the kernel and the kubelet read them: dots or slashes between segments (sysctl.d accepts both).

/** A slash-separated name (net/ipv4/ip_forward) in its dotted form, as component-helpers' NormalizeName. */
export function normalizeSysctlName(name: string): string {
  const firstSep = name.search(/[./]/);
  if (firstSep < 0 || name[firstSep] === '.') return name;
  return name.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}
