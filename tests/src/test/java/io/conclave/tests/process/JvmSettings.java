package io.conclave.tests.process;

import io.conclave.node.launch.NodeProcessSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * How a node JVM is launched: the same java binary and class path as the test JVM, so the nodes
 * run exactly the code under test, with small heaps and a fast-starting JIT because a test
 * cluster lives for seconds on a shared two-core machine.
 */
record JvmSettings(String javaBinary, String classPath, List<String> jvmFlags) {
    JvmSettings {
        jvmFlags = List.copyOf(jvmFlags);
    }

    /** The test JVM's own binary and class path with small-heap, quick-start flags. */
    static JvmSettings forTests() {
        List<String> flags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        flags.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        return new JvmSettings(NodeProcessSpec.currentJava(), NodeProcessSpec.currentClassPath(), flags);
    }
}
