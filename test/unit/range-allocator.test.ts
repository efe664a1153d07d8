// The allocation bitmap: dynamic picks from the upper band first, then the lower (static) band, never twice, never
// outside [first, last]; the band sizes upstream computes for ClusterIPs and NodePorts.
import { CLUSTER_IP_BAND, NODE_PORT_BAND, RangeAllocator, staticBandSize } from '../../src/registry/resources/range-allocator.js';

test('static band sizes as ipallocator and portallocator compute them', () => {
  expect(staticBandSize(65536, CLUSTER_IP_BAND)).toBe(256); // /16: capped at 256
  expect(staticBandSize(256, CLUSTER_IP_BAND)).toBe(16); // /24: at least 16
  expect(staticBandSize(8, CLUSTER_IP_BAND)).toBe(0); // tiny ranges have none
  expect(staticBandSize(2768, NODE_PORT_BAND)).toBe(86); // 30000-32767: 30000-30085 static
  expect(staticBandSize(100, NODE_PORT_BAND)).toBe(16);
});

test('dynamic picks fill the upper band, then the lower one, then report full', () => {
  const a = new RangeAllocator(20, 8, 1, 18); // offsets 1..18 usable, 1..7 static
  const picks: number[] = [];
  for (let i = 0; i < 18; i++) picks.push(a.allocateNext()!);
  expect(picks.slice(0, 11).every((p) => p >= 8 && p <= 18)).toBe(true);
  expect(picks.slice(11).every((p) => p >= 1 && p <= 7)).toBe(true);
  expect(new Set(picks).size).toBe(18);
  expect(a.allocateNext()).toBeUndefined();
  expect(a.allocated()).toBe(18);
  a.release(3);
  expect(a.allocateNext()).toBe(3);
});

test('chosen offsets: once only, anywhere in the map; release gives them back', () => {
  const a = new RangeAllocator(10, 4, 0, 9, () => 0);
  expect(a.allocate(2)).toBe(true);
  expect(a.allocate(2)).toBe(false);
  expect(a.allocate(10)).toBe(false);
  expect(a.allocate(-1)).toBe(false);
  expect(a.has(2)).toBe(true);
  // With random() = 0 the scan starts at the band's start: the first free upper-band offset.
  expect(a.allocateNext()).toBe(4);
  a.release(2);
  expect(a.has(2)).toBe(false);
  a.release(2); // releasing twice changes nothing
  expect(a.allocated()).toBe(1);
});
