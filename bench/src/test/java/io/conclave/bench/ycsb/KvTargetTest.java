package io.conclave.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.bench.BenchCluster;
import io.conclave.range.client.KvException;
import io.conclave.range.rpc.ErrorResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The native KV target end to end on a real local 3-node cluster (3 JVMs, fsync on); kept short. */
final class KvTargetTest {
    @Test
    void fieldCodecRoundTrips() {
        for (long seed = 1; seed <= 50; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Map<String, byte[]> record = new LinkedHashMap<>();
            int fields = r.nextInt(0, 20);
            for (int i = 0; i < fields; i++) {
                byte[] v = new byte[r.nextInt(0, 400)];
                r.nextBytes(v);
                record.put("field" + i + "é".repeat(r.nextInt(0, 3)), v);
            }
            Map<String, byte[]> back = FieldCodec.decode(FieldCodec.encode(record));
            assertEquals(record.keySet(), back.keySet(), "seed " + seed);
            for (String k : record.keySet()) assertTrue(java.util.Arrays.equals(record.get(k), back.get(k)), "seed " + seed);
        }
    }

    @Test
    void timeoutsAndWritesOfUnknownOutcomeAreRetryableAndRefusalsAreNot() {
        Status timeout = KvTarget.status(new KvException(ErrorResponse.Code.TIMEOUT, "no answer"));
        assertEquals("KV_TIMEOUT", timeout.name());
        assertTrue(timeout.retryable());
        assertTrue(KvTarget.status(new KvException(ErrorResponse.Code.AMBIGUOUS_RESULT, "lost track")).retryable());
        assertFalse(KvTarget.status(new KvException(ErrorResponse.Code.TOO_LARGE, "value too large")).retryable());
    }

    @Test
    @Timeout(90)
    void runsEveryOperationAgainstALocalThreeNodeCluster(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(classPresent("io.conclave.node.Main"),
                "skipped: the node module's classes are missing, so there is no node to start");
        Properties p = WorkloadConfig.builtinProperties("a");
        p.setProperty("recordcount", "200");
        p.setProperty("readproportion", "0.3");
        p.setProperty("updateproportion", "0.2");
        p.setProperty("insertproportion", "0.1");
        p.setProperty("scanproportion", "0.2");
        p.setProperty("readmodifywriteproportion", "0.2");
        p.setProperty("maxscanlength", "10");
        CoreWorkload core = new CoreWorkload(WorkloadConfig.parse(p, "mixed"), 400);
        try (BenchCluster cluster = BenchCluster.start(dir, 3, 1, List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"),
                List.of(), false);
                KvTargetFactory factory = new KvTargetFactory(cluster.addresses())) {
            factory.check();
            Runner runner = new Runner(core, factory, BenchClock.SYSTEM, RunnerTest.QUIET);
            LoadResult load = runner.load(4, 50, 1);
            assertEquals(200, load.records(), load.errors().toString());
            RunResult run = runner.run(new RunSettings(4, 0, 0, 400, 0, 0, 0, 2));
            assertEquals(Map.of(), run.errors(), cluster.logTails(10));
            assertEquals(400, run.total().count());
            for (Operation op : Operation.values()) {
                assertTrue(run.operation(op.label()) != null, op + " never ran: " + run.operations());
            }

            Target t = factory.create();
            List<Map<String, byte[]>> rows = new ArrayList<>();
            assertEquals(Status.OK, t.scan("usertable", "user", 5, null, rows));
            assertEquals(5, rows.size());
            assertEquals(10, rows.get(0).size());
            Map<String, byte[]> one = new LinkedHashMap<>();
            String key = core.keyName(new Random(3).nextInt(200));
            assertEquals(Status.OK, t.update("usertable", key, Map.of("field4", "x".getBytes(StandardCharsets.UTF_8))));
            assertEquals(Status.OK, t.read("usertable", key, java.util.Set.of("field4", "field5"), one));
            assertEquals("x", new String(one.get("field4"), StandardCharsets.UTF_8));
            assertEquals(100, one.get("field5").length, "an update of one field keeps the others");
            assertEquals(Status.OK, t.delete("usertable", key));
            assertEquals(Status.NOT_FOUND, t.read("usertable", key, null, new LinkedHashMap<>()));
        }
    }

    private static boolean classPresent(String name) {
        try {
            Class.forName(name, false, KvTargetTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
