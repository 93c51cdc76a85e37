package io.conclave.bench.ycsb;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YCSB core workload: the properties of YCSB's {@code CoreWorkload} with YCSB's defaults, parsed
 * from a properties file in YCSB's own format or from the built-in workloads {@code a..f} (copies
 * of YCSB's {@code workloads/workload[a-f]}), and validated together before anything is loaded.
 *
 * @param source where the properties came from, for messages
 * @param ignoredProperties properties present but not understood (YCSB's client and binding
 *     settings, for example); a file written for YCSB still runs, and these are printed
 */
public record WorkloadConfig(
        String source,
        String table,
        long recordCount,
        long operationCount,
        long insertStart,
        long insertCount,
        int fieldCount,
        int fieldLength,
        FieldLengthDistribution fieldLengthDistribution,
        String fieldNamePrefix,
        double readProportion,
        double updateProportion,
        double insertProportion,
        double scanProportion,
        double readModifyWriteProportion,
        RequestDistribution requestDistribution,
        int minScanLength,
        int maxScanLength,
        ScanLengthDistribution scanLengthDistribution,
        boolean readAllFields,
        boolean writeAllFields,
        InsertOrder insertOrder,
        int zeroPadding,
        List<String> ignoredProperties) {

    public enum RequestDistribution { ZIPFIAN, UNIFORM, LATEST }

    public enum ScanLengthDistribution { UNIFORM, ZIPFIAN }

    public enum FieldLengthDistribution { CONSTANT, UNIFORM }

    public enum InsertOrder { HASHED, ORDERED }

    /** The built-in workloads, by letter. */
    public static final List<String> BUILTIN = List.of("a", "b", "c", "d", "e", "f");

    /** Longest field: a row must stay far below the KV layer's value limit and a JDBC VARCHAR. */
    static final int MAX_FIELD_LENGTH = 10_000;
    /** Most fields a record may have (YCSB's JDBC schema has one column per field). */
    static final int MAX_FIELD_COUNT = 100;
    /** Longest scan, in records: a scan is answered in one message. */
    static final int MAX_SCAN_LENGTH = 10_000;
    /** Largest key space; key numbers are longs, but loading more than this on one host is a mistake. */
    static final long MAX_RECORD_COUNT = 2_000_000_000L;

    /** Properties of YCSB's core workload this class understands. */
    static final Set<String> KNOWN = Set.of("recordcount", "operationcount", "insertstart", "insertcount", "table",
            "fieldcount", "fieldlength", "fieldlengthdistribution", "fieldnameprefix", "readproportion",
            "updateproportion", "insertproportion", "scanproportion", "readmodifywriteproportion",
            "requestdistribution", "minscanlength", "maxscanlength", "scanlengthdistribution", "readallfields",
            "writeallfields", "insertorder", "zeropadding", "workload");

    private static final Set<String> CORE_WORKLOAD_CLASSES = Set.of("site.ycsb.workloads.CoreWorkload",
            "com.yahoo.ycsb.workloads.CoreWorkload");

    public WorkloadConfig {
        ignoredProperties = List.copyOf(ignoredProperties);
        String at = source + ": ";
        require(recordCount >= 1 && recordCount <= MAX_RECORD_COUNT,
                at + "recordcount must be in [1, " + MAX_RECORD_COUNT + "], was " + recordCount);
        require(operationCount >= 0, at + "operationcount must be >= 0, was " + operationCount);
        require(insertStart >= 0, at + "insertstart must be >= 0, was " + insertStart);
        require(insertCount >= 1 && insertCount <= recordCount,
                at + "insertcount must be in [1, recordcount], was " + insertCount);
        require(fieldCount >= 1 && fieldCount <= MAX_FIELD_COUNT,
                at + "fieldcount must be in [1, " + MAX_FIELD_COUNT + "], was " + fieldCount);
        require(fieldLength >= 1 && fieldLength <= MAX_FIELD_LENGTH,
                at + "fieldlength must be in [1, " + MAX_FIELD_LENGTH + "], was " + fieldLength);
        require(table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}"), at + "table must be a plain SQL name, was '" + table + "'");
        require(fieldNamePrefix.matches("[A-Za-z_][A-Za-z0-9_]{0,30}"),
                at + "fieldnameprefix must be a plain SQL name, was '" + fieldNamePrefix + "'");
        double sum = readProportion + updateProportion + insertProportion + scanProportion + readModifyWriteProportion;
        require(sum > 0, at + "the operation proportions are all zero: nothing to run");
        require(minScanLength >= 1 && minScanLength <= maxScanLength && maxScanLength <= MAX_SCAN_LENGTH,
                at + "need 1 <= minscanlength <= maxscanlength <= " + MAX_SCAN_LENGTH + ", were " + minScanLength
                        + " and " + maxScanLength);
        require(zeroPadding >= 1 && zeroPadding <= 32, at + "zeropadding must be in [1, 32], was " + zeroPadding);
        require(requestDistribution != RequestDistribution.LATEST || recordCount >= 2,
                at + "requestdistribution=latest needs recordcount >= 2");
    }

    /** The sum of the proportions; YCSB normalises by it, so they need not add up to 1. */
    public double proportionSum() {
        return readProportion + updateProportion + insertProportion + scanProportion + readModifyWriteProportion;
    }

    /** The properties of built-in workload {@code name} ({@code a..f}, any case). */
    public static Properties builtinProperties(String name) {
        String letter = name.trim().toLowerCase(Locale.ROOT);
        if (letter.startsWith("workload")) letter = letter.substring("workload".length());
        if (!BUILTIN.contains(letter)) {
            throw new IllegalArgumentException("unknown workload '" + name + "': the built-in workloads are "
                    + String.join(", ", BUILTIN) + " (or give a YCSB properties file with --workload-file)");
        }
        String resource = "workload" + letter;
        try (InputStream in = WorkloadConfig.class.getResourceAsStream(resource)) {
            Checks.check(in != null, "built-in workload resource %s is missing from the class path", resource);
            return load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in workload " + resource, e);
        }
    }

    /** The properties of a YCSB workload file. */
    public static Properties fileProperties(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("workload file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read workload file " + file + ": " + e.getMessage());
        }
    }

    private static Properties load(Reader in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        return p;
    }

    /** Parses and validates; every bad value is an {@link IllegalArgumentException} naming the property. */
    public static WorkloadConfig parse(Properties p, String source) {
        Parser in = new Parser(p, source);
        String workloadClass = in.text("workload", "site.ycsb.workloads.CoreWorkload");
        require(CORE_WORKLOAD_CLASSES.contains(workloadClass), source + ": only YCSB's core workload is supported,"
                + " workload=" + workloadClass);
        long recordCount = in.longValue("recordcount", 1000);
        long insertStart = in.longValue("insertstart", 0);
        long insertCount = in.longValue("insertcount", recordCount);
        List<String> ignored = new ArrayList<>();
        for (String name : new TreeSet<>(p.stringPropertyNames())) {
            if (!KNOWN.contains(name)) ignored.add(name);
        }
        return new WorkloadConfig(source, in.text("table", "usertable"), recordCount,
                in.longValue("operationcount", 1000), insertStart, insertCount, (int) in.longValue("fieldcount", 10),
                (int) in.longValue("fieldlength", 100),
                in.choice("fieldlengthdistribution", FieldLengthDistribution.class, FieldLengthDistribution.CONSTANT),
                in.text("fieldnameprefix", "field"),
                in.proportion("readproportion", 0.95), in.proportion("updateproportion", 0.05),
                in.proportion("insertproportion", 0), in.proportion("scanproportion", 0),
                in.proportion("readmodifywriteproportion", 0),
                in.choice("requestdistribution", RequestDistribution.class, RequestDistribution.UNIFORM),
                (int) in.longValue("minscanlength", 1), (int) in.longValue("maxscanlength", 1000),
                in.choice("scanlengthdistribution", ScanLengthDistribution.class, ScanLengthDistribution.UNIFORM),
                in.bool("readallfields", true), in.bool("writeallfields", false),
                in.choice("insertorder", InsertOrder.class, InsertOrder.HASHED),
                (int) in.longValue("zeropadding", 1), ignored);
    }

    /** The field names, {@code field0 .. field<n-1>}. */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>(fieldCount);
        for (int i = 0; i < fieldCount; i++) names.add(fieldNamePrefix + i);
        return names;
    }

    /** One line saying what will run. */
    public String describe() {
        return String.format(Locale.ROOT, "%s: %,d records of %d x %d B, read %.2f update %.2f insert %.2f scan %.2f"
                        + " rmw %.2f, %s requests%s", source, recordCount, fieldCount, fieldLength, readProportion,
                updateProportion, insertProportion, scanProportion, readModifyWriteProportion,
                requestDistribution.name().toLowerCase(Locale.ROOT),
                scanProportion > 0 ? ", scans of " + minScanLength + ".." + maxScanLength + " ("
                        + scanLengthDistribution.name().toLowerCase(Locale.ROOT) + ")" : "");
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }

    /** Reads typed values, naming the property and the source in every error. */
    private record Parser(Properties p, String source) {
        String text(String name, String defaultValue) {
            return p.getProperty(name, defaultValue).trim();
        }

        long longValue(String name, long defaultValue) {
            String v = p.getProperty(name);
            if (v == null) return defaultValue;
            try {
                long parsed = Long.parseLong(v.trim().replace("_", ""));
                if (parsed > Integer.MAX_VALUE && !name.equals("recordcount") && !name.equals("operationcount")
                        && !name.startsWith("insert")) {
                    throw bad(name, v, "an integer up to " + Integer.MAX_VALUE);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw bad(name, v, "an integer");
            }
        }

        double proportion(String name, double defaultValue) {
            String v = p.getProperty(name);
            if (v == null) return defaultValue;
            try {
                double d = Double.parseDouble(v.trim());
                if (!(d >= 0 && d <= 1)) throw bad(name, v, "a number in [0, 1]");
                return d;
            } catch (NumberFormatException e) {
                throw bad(name, v, "a number in [0, 1]");
            }
        }

        boolean bool(String name, boolean defaultValue) {
            String v = p.getProperty(name);
            if (v == null) return defaultValue;
            return switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw bad(name, v, "true or false");
            };
        }

        <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
            String v = p.getProperty(name);
            if (v == null) return defaultValue;
            try {
                return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                List<String> allowed = new ArrayList<>();
                for (E c : type.getEnumConstants()) allowed.add(c.name().toLowerCase(Locale.ROOT));
                throw bad(name, v, "one of " + String.join(", ", allowed) + " (others of YCSB's are not supported)");
            }
        }

        IllegalArgumentException bad(String name, String value, String expected) {
            return new IllegalArgumentException(source + ": " + name + " must be " + expected + ", was '" + value + "'");
        }
    }
}
