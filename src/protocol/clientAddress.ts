import { isIPv6 } from 'node:net';

/**
 * A client's address as partnerplane counts clients (the sign-in throttle, the anonymous refusal
 * counts): IPv4 (also when IPv4-mapped) as is, IPv6 by its /64, which one host can change within.
 */
export function clientOf(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice('::ffff:'.length);
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.split('::');
  const groups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const full = tail === undefined ? groups : [...groups, ...new Array<string>(8 - groups.length - tailGroups.length).fill('0'), ...tailGroups];
  return `${full.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/64`;
}
