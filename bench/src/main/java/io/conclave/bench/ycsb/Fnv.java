package io.conclave.bench.ycsb;

/** YCSB's 64-bit FNV hash of a long ({@code site.ycsb.Utils.fnvhash64}), bit for bit. */
final class Fnv {
    static final long OFFSET_BASIS_64 = 0xCBF29CE484222325L;
    static final long PRIME_64 = 1099511628211L;

    private Fnv() {}

    /**
     * Hashes the eight bytes of {@code value}, lowest first, and returns the absolute value, as YCSB
     * does; key names and the scrambled zipfian's item order depend on it, so it must not change.
     */
    static long hash64(long value) {
        long hash = OFFSET_BASIS_64;
        long rest = value;
        for (int i = 0; i < 8; i++) {
            long octet = rest & 0xff;
            rest = rest >> 8;
            hash = hash ^ octet;
            hash = hash * PRIME_64;
        }
        return Math.abs(hash);
    }
}
