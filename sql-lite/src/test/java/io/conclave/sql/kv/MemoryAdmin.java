package io.conclave.sql.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/** Range administration for tests: a sorted set of split keys, every range on nodes 1..3. */
public final class MemoryAdmin implements SqlAdmin {
    private final TreeSet<byte[]> splits = new TreeSet<>(Arrays::compareUnsigned);

    @Override
    public synchronized List<RangeInfo> rangesOf(byte[] start, byte[] end) {
        List<byte[]> bounds = new ArrayList<>();
        bounds.add(new byte[] {0x04});
        bounds.addAll(splits);
        bounds.add(new byte[] {(byte) 0xff, (byte) 0xff});
        List<RangeInfo> out = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.size(); i++) {
            byte[] s = bounds.get(i);
            byte[] e = bounds.get(i + 1);
            if (Arrays.compareUnsigned(e, start) > 0 && Arrays.compareUnsigned(s, end) < 0) {
                out.add(new RangeInfo(i + 2, s, e, List.of(1L, 2L, 3L), 1 + i % 3, 0));
            }
        }
        return out;
    }

    @Override
    public synchronized void split(byte[] key) {
        splits.add(key.clone());
    }
}
