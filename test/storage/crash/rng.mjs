// The seeded random numbers of the crash-test children (mulberry32): a child replays exactly
// from its seed.
export function mulberry32(seedArg) {
  let seed = Number(seedArg) >>> 0;
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
