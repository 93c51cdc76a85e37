package io.conclave.node.maintenance;

import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Node JVMs for the maintenance process tests: addresses, fixed-membership peers, launch specs. */
final class MaintenanceNodes {
    /** Small, quick-starting node JVMs: C1 only and the serial collector, on a machine shared with builds. */
    static final List<String> JVM_FLAGS = jvmFlags();

    private MaintenanceNodes() {}

    private static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        flags.addAll(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        return List.copyOf(flags);
    }

    /** {@code count} free HOST:PORT addresses on 127.0.0.1. */
    static List<String> loopbackAddresses(int count) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (int port : NodeProcess.freePorts(count)) addresses.add("127.0.0.1:" + port);
        return addresses;
    }

    /** The --peers value naming the first {@code voters} addresses as nodes 1..voters. */
    static String peers(List<String> addresses, int voters) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < voters; i++) parts.add((i + 1) + "=" + addresses.get(i));
        return String.join(",", parts);
    }

    /** Node {@code nodeId} (or ASSIGNED_BY_CLUSTER) with store s{n} and log n{n}.log under {@code dir}. */
    static NodeProcessSpec spec(Path dir, long nodeId, int n, String address, List<String> startFlags) {
        return new NodeProcessSpec(NodeProcessSpec.currentJava(), NodeProcessSpec.currentClassPath(), JVM_FLAGS,
                nodeId, dir.resolve("s" + n), address, dir.resolve("n" + n + ".log"), NodeProcessSpec.insecure(startFlags));
    }
}
