package io.conclave.bench.ycsb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's load averages, printed beside every benchmark's numbers: the client and the nodes
 * share the machine with whatever else runs on it, and a load well above 0 before a run says the
 * numbers were shared too. Public because the transaction benchmark prints it as well.
 */
public final class HostLoad {
    private HostLoad() {}

    /** The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown" where there is none. */
    public static String loadAverages() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
