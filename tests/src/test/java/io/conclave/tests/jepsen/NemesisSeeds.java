package io.conclave.tests.jepsen;

/** The runs' seed: {@code -Dnemesis.seed=N} replays one; otherwise a fresh one, which the run prints. */
final class NemesisSeeds {
    private NemesisSeeds() {}

    static long seed() {
        String fixed = System.getProperty("nemesis.seed");
        return fixed != null && !fixed.isBlank() ? Long.parseLong(fixed.strip()) : System.nanoTime() & 0xffff_ffffL;
    }
}
