package io.conclave.tests.jepsen;

import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.tests.check.HistoryRecorder;
import io.conclave.tests.ranges.RangeTestCluster;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a workload gets from its run: the cluster's user ranges as they started, the history
 * recorder, the worker count, and clients: JDBC connections (each worker's list of nodes rotated,
 * so the workers' sessions spread over the nodes) and transaction clients.
 */
final class RunContext implements AutoCloseable {
    /**
     * A JDBC socket timeout: a statement on a paused node must give up (as unknown) rather than
     * hold its worker past the run; longer than a lease running out and an election.
     */
    static final int SQL_SOCKET_TIMEOUT_MILLIS = 20_000;
    /** Transaction clients shared by the workers; each has its own connections. */
    static final int TXN_CLIENTS = 4;

    private final RangeTestCluster cluster;
    private final RangeClient admin;
    private final List<RangeDescriptor> ranges;
    private final HistoryRecorder recorder;
    private final int workers;
    private final long seed;
    private final List<TxnClient> txnClients = new ArrayList<>();
    private final List<RangeClient> rangeClients = new ArrayList<>();

    RunContext(RangeTestCluster cluster, RangeClient admin, List<RangeDescriptor> ranges, HistoryRecorder recorder,
            int workers, long seed) {
        this.cluster = cluster;
        this.admin = admin;
        this.ranges = List.copyOf(ranges);
        this.recorder = recorder;
        this.workers = workers;
        this.seed = seed;
    }

    List<RangeDescriptor> initialRanges() {
        return ranges;
    }

    /** The run's admin client (splits, lease transfers); owned by the run. */
    RangeClient admin() {
        return admin;
    }

    HistoryRecorder recorder() {
        return recorder;
    }

    int workers() {
        return workers;
    }

    long seed() {
        return seed;
    }

    /** A fresh JDBC connection for {@code worker}, its first node chosen by the worker number. */
    Connection sql(int worker) throws SQLException {
        List<String> addresses = new ArrayList<>();
        List<Long> ids = cluster.nodeIds();
        for (int i = 0; i < ids.size(); i++) addresses.add(cluster.address(ids.get((worker + i) % ids.size())));
        return DriverManager.getConnection("jdbc:conclave://" + String.join(",", addresses)
                + "?socket_timeout_ms=" + SQL_SOCKET_TIMEOUT_MILLIS);
    }

    /** The transaction client of {@code worker} (commit-wait on: strict serializability). */
    synchronized TxnClient txn(int worker) {
        if (txnClients.isEmpty()) {
            TxnSettings settings = TxnSettings.builder().commitWait(true).deadline(Duration.ofSeconds(40)).build();
            for (int c = 0; c < TXN_CLIENTS; c++) {
                RangeClient rc = cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, seed + 1 + c);
                rangeClients.add(rc);
                txnClients.add(new TxnClient(rc, settings));
            }
        }
        return txnClients.get(worker % txnClients.size());
    }

    @Override
    public synchronized void close() {
        txnClients.forEach(TxnClient::close);
        rangeClients.forEach(RangeClient::close);
    }
}
