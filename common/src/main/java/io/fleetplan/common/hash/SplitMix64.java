package io.fleetplan.common.hash;

/** SplitMix64's finaliser (Stafford's mix 13): a cheap 64-bit mix in which every input bit reaches every output bit. */
public final class SplitMix64 {

    private SplitMix64() {}

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
