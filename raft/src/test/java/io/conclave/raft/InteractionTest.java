package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Data-driven interaction tests: each file in {@code src/test/resources/testdata} is a script of
 * {@code > command} lines, each followed by the output it must produce. Run with
 * {@code -Draft.rewrite=true} to regenerate the expected output after an intended change, then
 * review the diff.
 *
 * <p>Commands: {@code cluster N} (bootstrapped voters 1..N), {@code campaign ID}, {@code propose
 * ID TEXT}, {@code tick ID COUNT}, {@code tick-all COUNT}, {@code isolate ID}, {@code heal},
 * {@code stabilize}, {@code transfer ID TO}, {@code read-index ID CTX}, {@code compact ID},
 * {@code add-learner ID NODE}, {@code add-voter ID NODE}, {@code remove ID NODE}, {@code restart
 * ID}, {@code status}, {@code applied ID}, {@code reads ID}.
 */
class InteractionTest {
    private static final Path DIR = Path.of("src/test/resources/testdata");

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    private static void run(Path file) throws IOException {
        String expected = Files.readString(file, StandardCharsets.UTF_8);
        StringBuilder actual = new StringBuilder();
        Cluster[] cluster = new Cluster[1];
        for (String line : expected.split("\n", -1)) {
            if (line.startsWith("#") || (line.isBlank() && !line.isEmpty())) {
                actual.append(line).append('\n');
                continue;
            }
            if (line.isEmpty()) {
                actual.append('\n');
                continue;
            }
            if (!line.startsWith("> ")) continue; // previous output, regenerated below
            actual.append(line).append('\n');
            for (String out : execute(cluster, line.substring(2).trim().split("\\s+"))) {
                actual.append(out).append('\n');
            }
        }
        String got = actual.toString().replaceAll("\n+$", "\n");
        String want = expected.replaceAll("\n+$", "\n");
        if (Boolean.getBoolean("raft.rewrite")) {
            Files.writeString(file, got, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(want, got, "interaction script " + file + " (rerun with -Draft.rewrite=true to regenerate)");
    }

    private static List<String> execute(Cluster[] holder, String[] a) {
        List<String> out = new ArrayList<>();
        Cluster c = holder[0];
        try {
            switch (a[0]) {
                case "cluster" -> {
                    long[] ids = new long[Integer.parseInt(a[1])];
                    for (int i = 0; i < ids.length; i++) ids[i] = i + 1;
                    holder[0] = Cluster.of(ids);
                    holder[0].stabilize();
                }
                case "campaign" -> c.campaign(id(a[1]));
                case "propose" -> out.add("index " + c.propose(id(a[1]), a[2]));
                case "tick" -> {
                    for (int i = 0; i < Integer.parseInt(a[2]); i++) {
                        c.node(id(a[1])).tick();
                        c.stabilize();
                    }
                }
                case "tick-all" -> c.tickAll(Integer.parseInt(a[1]));
                case "isolate" -> c.isolate(id(a[1]));
                case "heal" -> c.heal();
                case "stabilize" -> c.stabilize();
                case "transfer" -> {
                    c.node(id(a[1])).transferLeadership(id(a[2]));
                    c.stabilize();
                }
                case "read-index" -> {
                    c.node(id(a[1])).readIndex(Cluster.bytes(a[2]));
                    c.stabilize();
                }
                case "compact" -> c.compact(id(a[1]));
                case "add-learner", "add-voter", "remove" -> {
                    long node = id(a[2]);
                    if (!c.nodes.containsKey(node)) c.add(node, Cluster.config(node), new MemoryRaftStorage());
                    ConfChange.ConfChangeType type = switch (a[0]) {
                        case "add-learner" -> ConfChange.ConfChangeType.ADD_LEARNER;
                        case "add-voter" -> ConfChange.ConfChangeType.ADD_VOTER;
                        default -> ConfChange.ConfChangeType.REMOVE_NODE;
                    };
                    out.add("index " + c.node(id(a[1])).proposeConfChange(new ConfChange(type, node)));
                    c.stabilize();
                }
                case "restart" -> {
                    c.restart(id(a[1]));
                    c.stabilize();
                }
                case "status" -> {
                    for (Map.Entry<Long, RawNode> e : c.nodes.entrySet()) {
                        RaftStatus s = e.getValue().status();
                        out.add(String.format("%d: %s term=%d lead=%d commit=%d applied=%d last=%d voters=%s learners=%s",
                                e.getKey(), s.softState().role(), s.hardState().term(), s.softState().leaderId(),
                                s.hardState().commit(), s.applied(), s.lastIndex(),
                                new java.util.TreeSet<>(s.confState().voters()),
                                new java.util.TreeSet<>(s.confState().learners())));
                    }
                }
                case "applied" -> out.add(String.valueOf(c.applied.get(id(a[1]))));
                case "reads" -> {
                    for (ReadState rs : c.readStates.get(id(a[1]))) {
                        out.add("read " + new String(rs.context(), StandardCharsets.UTF_8) + " at " + rs.index());
                    }
                    c.readStates.get(id(a[1])).clear();
                }
                default -> throw new IllegalArgumentException("unknown command " + a[0]);
            }
        } catch (ProposalDroppedException e) {
            out.add("dropped " + e.reason() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            out.add("refused: " + e.getMessage());
        }
        return out;
    }

    private static long id(String s) {
        return Long.parseLong(s);
    }
}
