package io.conclave.tests.process;

import java.nio.file.Path;
import java.util.List;

/**
 * How a node JVM is launched: the same java binary and class path as the test JVM, so the nodes
 * run exactly the code under test, with small heaps and a fast-starting JIT because a test
 * cluster lives for seconds on a shared two-core machine.
 */
record JvmSettings(String javaBinary, String classPath, String mainClass, List<String> jvmFlags) {
    static final String NODE_MAIN = "io.conclave.node.Main";

    /** lmdbjava reaches into NIO internals; every JVM that opens a store needs both. */
    static final List<String> LMDB_FLAGS = List.of(
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

    JvmSettings {
        jvmFlags = List.copyOf(jvmFlags);
        if (classPath == null || classPath.isBlank()) {
            throw new IllegalArgumentException("empty class path: cannot launch " + mainClass);
        }
    }

    /** The test JVM's own binary and class path with small-heap, quick-start flags. */
    static JvmSettings forTests() {
        List<String> flags = new java.util.ArrayList<>(LMDB_FLAGS);
        flags.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        return new JvmSettings(currentJava(), currentClassPath(), NODE_MAIN, flags);
    }

    static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * The test class path. Surefire may start the test JVM from a manifest-only booter jar; it
     * still sets {@code java.class.path} to the full test class path, and even the booter jar
     * alone would work as {@code -cp} because its manifest carries the class path.
     */
    static String currentClassPath() {
        return System.getProperty("java.class.path");
    }
}
