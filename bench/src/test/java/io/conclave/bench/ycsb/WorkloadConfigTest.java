package io.conclave.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.bench.ycsb.WorkloadConfig.RequestDistribution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class WorkloadConfigTest {
    private static WorkloadConfig builtin(String name) {
        return WorkloadConfig.parse(WorkloadConfig.builtinProperties(name), name);
    }

    @Test
    void builtinWorkloadsHaveYcsbsSettings() {
        WorkloadConfig a = builtin("a");
        assertEquals(0.5, a.readProportion());
        assertEquals(0.5, a.updateProportion());
        assertEquals(RequestDistribution.ZIPFIAN, a.requestDistribution());
        assertEquals(10, a.fieldCount());
        assertEquals(100, a.fieldLength());
        assertTrue(a.readAllFields());
        assertFalse(a.writeAllFields());
        assertEquals(WorkloadConfig.InsertOrder.HASHED, a.insertOrder());
        assertEquals("usertable", a.table());
        assertEquals(0.95, builtin("b").readProportion());
        assertEquals(0.05, builtin("b").updateProportion());
        assertEquals(1.0, builtin("c").readProportion());
        WorkloadConfig d = builtin("d");
        assertEquals(RequestDistribution.LATEST, d.requestDistribution());
        assertEquals(0.05, d.insertProportion());
        WorkloadConfig e = builtin("E");
        assertEquals(0.95, e.scanProportion());
        assertEquals(100, e.maxScanLength());
        assertEquals(1, e.minScanLength());
        assertEquals(WorkloadConfig.ScanLengthDistribution.UNIFORM, e.scanLengthDistribution());
        WorkloadConfig f = builtin("workloadf");
        assertEquals(0.5, f.readModifyWriteProportion());
        assertEquals(0.5, f.readProportion());
        for (String w : WorkloadConfig.BUILTIN) assertEquals(List.of(), builtin(w).ignoredProperties(), w);
    }

    @Test
    void parsesAYcsbFileAndListsWhatItIgnores(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("custom");
        Files.writeString(file, """
                # a YCSB workload file, as YCSB ships them
                workload=site.ycsb.workloads.CoreWorkload
                recordcount=5000
                operationcount=20000
                fieldcount=5
                fieldlength=20
                readproportion=0.6
                updateproportion=0.2
                scanproportion=0.1
                insertproportion=0.1
                requestdistribution=uniform
                maxscanlength=50
                scanlengthdistribution=zipfian
                insertorder=ordered
                zeropadding=8
                writeallfields=true
                readallfields=false
                measurementtype=histogram
                db.batchsize=100
                """);
        WorkloadConfig w = WorkloadConfig.parse(WorkloadConfig.fileProperties(file), "custom");
        assertEquals(5000, w.recordCount());
        assertEquals(5000, w.insertCount());
        assertEquals(20000, w.operationCount());
        assertEquals(List.of("field0", "field1", "field2", "field3", "field4"), w.fieldNames());
        assertEquals(RequestDistribution.UNIFORM, w.requestDistribution());
        assertEquals(WorkloadConfig.ScanLengthDistribution.ZIPFIAN, w.scanLengthDistribution());
        assertEquals(WorkloadConfig.InsertOrder.ORDERED, w.insertOrder());
        assertEquals(8, w.zeroPadding());
        assertTrue(w.writeAllFields());
        assertFalse(w.readAllFields());
        assertEquals(List.of("db.batchsize", "measurementtype"), w.ignoredProperties());
    }

    @Test
    void badValuesAreClearErrorsNamingTheProperty() {
        assertError("unknown workload 'g'", () -> WorkloadConfig.builtinProperties("g"));
        assertError("recordcount must be in [1,", () -> parseWith("recordcount", "0"));
        assertError("readproportion must be a number in [0, 1], was 'lots'", () -> parseWith("readproportion", "lots"));
        assertError("readproportion must be a number in [0, 1], was '1.5'", () -> parseWith("readproportion", "1.5"));
        assertError("requestdistribution must be one of zipfian, uniform, latest",
                () -> parseWith("requestdistribution", "hotspot"));
        assertError("fieldcount must be an integer, was 'ten'", () -> parseWith("fieldcount", "ten"));
        assertError("readallfields must be true or false", () -> parseWith("readallfields", "yes"));
        assertError("only YCSB's core workload is supported", () -> parseWith("workload", "site.ycsb.workloads.RestWorkload"));
        assertError("maxscanlength", () -> parseWith("maxscanlength", "0"));
        assertError("the operation proportions are all zero", () -> parseWith("readproportion", "0", "updateproportion", "0"));
        assertError("does not exist", () -> WorkloadConfig.fileProperties(Path.of("/nonexistent/workload")));
        assertError("table must be a plain SQL name", () -> parseWith("table", "users; DROP TABLE x"));
    }

    private static WorkloadConfig parseWith(String... keyValues) {
        Properties p = WorkloadConfig.builtinProperties("a");
        for (int i = 0; i < keyValues.length; i += 2) p.setProperty(keyValues[i], keyValues[i + 1]);
        return WorkloadConfig.parse(p, "test");
    }

    private static void assertError(String fragment, org.junit.jupiter.api.function.Executable step) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, step);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
