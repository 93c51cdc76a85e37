package io.conclave.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node stopping after a fatal error is gone within a bound, even when its close hangs: a node
 * whose offset guard stopped it must not linger with its maintenance loop and clients running.
 */
class FatalExitTest {
    /** The child process: a close that never finishes, then the fatal exit. */
    public static void main(String[] args) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                new java.util.concurrent.CountDownLatch(1).await(); // a close stuck on something
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stuck-close"));
        StartCommand.exit(3);
        new java.util.concurrent.CountDownLatch(1).await(); // only the exit ends this process
    }

    @Test
    void aFatalExitHaltsWhenTheCloseHangs() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                FatalExitTest.class.getName())).redirectErrorStream(true).start();
        long started = System.nanoTime();
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) p.destroyForcibly();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(exited, "the process was still running 30 s after its fatal exit: " + output);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(3, p.exitValue(), output);
        assertTrue(output.contains("halting with exit code 3"), output);
        // The JVM's start is part of it; the bound is the grace plus slack for a loaded machine.
        assertTrue(millis < StartCommand.FATAL_CLOSE_GRACE.toMillis() + 15_000, "took " + millis + " ms");
    }
}
