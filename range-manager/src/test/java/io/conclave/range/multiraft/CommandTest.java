package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.conclave.range.rpc.KvDelete;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CommandTest {
    @Test
    void kvBatchesRoundTripAndCorruptOnesAreRefused() {
        long seed = 20261126L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(40);
            long[] ids = new long[n];
            List<KvRequest> requests = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids[i] = random.nextLong();
                byte[] key = new byte[1 + random.nextInt(20)];
                random.nextBytes(key);
                requests.add(random.nextBoolean()
                        ? KvRequest.newBuilder().setPut(KvPut.newBuilder().setKey(ByteString.copyFrom(key))
                                .setValue(ByteString.copyFrom(new byte[random.nextInt(2000)]))).build()
                        : KvRequest.newBuilder().setDelete(KvDelete.newBuilder().setKey(ByteString.copyFrom(key))).build());
            }
            byte[] encoded = new Command.KvBatch(7, 11, ids, requests).encode();
            Command.KvBatch decoded = (Command.KvBatch) Command.decode(encoded);
            assertEquals(7, decoded.originNode(), "seed " + seed);
            assertEquals(11, decoded.leaseSequence(), "seed " + seed);
            assertArrayEquals(ids, decoded.proposalIds(), "seed " + seed);
            assertEquals(requests, decoded.requests(), "seed " + seed);
            byte[] truncated = Arrays.copyOf(encoded, encoded.length - 1 - random.nextInt(encoded.length - 22));
            assertThrows(IllegalStateException.class, () -> Command.decode(truncated), "seed " + seed);
        }
    }

    @Test
    void mvccBatchesCarryTheirTimestampsAndRoundTrip() {
        long seed = 20261127L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 100; round++) {
            int n = 1 + random.nextInt(20);
            List<Command.MvccOp> ops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] key = new byte[1 + random.nextInt(20)];
                random.nextBytes(key);
                ops.add(new Command.MvccOp(random.nextLong(),
                        new io.conclave.clock.Timestamp(random.nextLong(Long.MAX_VALUE), random.nextInt(1000)),
                        new io.conclave.clock.Timestamp(random.nextLong(Long.MAX_VALUE), random.nextInt(1000)),
                        KvRequest.newBuilder().setPut(KvPut.newBuilder().setKey(ByteString.copyFrom(key))
                                .setValue(ByteString.copyFrom(new byte[random.nextInt(500)]))).build()));
            }
            byte[] encoded = new Command.MvccBatch(3, 9, ops).encode();
            Command.MvccBatch decoded = (Command.MvccBatch) Command.decode(encoded);
            assertEquals(3, decoded.originNode(), "seed " + seed);
            assertEquals(9, decoded.leaseSequence(), "seed " + seed);
            assertEquals(ops, decoded.ops(), "seed " + seed);
            byte[] truncated = Arrays.copyOf(encoded, encoded.length - 1 - random.nextInt(encoded.length - 22));
            assertThrows(IllegalStateException.class, () -> Command.decode(truncated), "seed " + seed);
        }
    }
}
