package io.conclave.storage;

/**
 * Limits and durability settings of one store, validated together here.
 *
 * @param mapSizeBytes the LMDB map size: the most the store can ever hold. LMDB reserves this
 *     much address space up front (the file grows only as data is written), and a full map
 *     refuses writes with {@link StoreFullException} until the node restarts with a larger one.
 * @param fsync whether each commit is durable (fsync) before it returns. Only tests and
 *     benchmarks may turn it off: without it a machine crash loses acknowledged writes.
 * @param maxKeyBytes the longest state-machine key. LMDB cannot store a key longer than its
 *     compiled limit, 511 bytes, so that is also the highest allowed value.
 * @param maxValueBytes the longest state-machine value or encoded Raft entry; bounds the memory
 *     one write takes and keeps one value from eating the map.
 * @param tailCacheBytesPerGroup how many bytes of each group's most recent log entries stay in
 *     memory so Raft's reads of the log tail never touch LMDB; 0 disables the cache. The worst
 *     case memory is this times the number of groups on the store.
 */
public record StoreOptions(
        long mapSizeBytes, boolean fsync, long maxKeyBytes, long maxValueBytes, long tailCacheBytesPerGroup) {

    /** LMDB's compiled maximum key size (MDB_MAXKEYSIZE) in the native library lmdbjava ships. */
    public static final long LMDB_MAX_KEY_BYTES = 511;
    /** Below this an LMDB environment cannot even hold its own metadata and a few pages of data. */
    public static final long MIN_MAP_SIZE_BYTES = 64L << 10;
    /** 16 TiB: far above any single node's disk, low enough to catch a unit mistake. */
    public static final long MAX_MAP_SIZE_BYTES = 16L << 40;
    /** LMDB stores a value's length in 32 bits; 1 GiB keeps far below that and below heap sizes. */
    public static final long MAX_VALUE_BYTES_LIMIT = 1L << 30;

    public static final long DEFAULT_MAP_SIZE_BYTES = 4L << 30;
    public static final long DEFAULT_MAX_VALUE_BYTES = 16L << 20;
    public static final long DEFAULT_TAIL_CACHE_BYTES_PER_GROUP = 256L << 10;

    public StoreOptions {
        if (mapSizeBytes < MIN_MAP_SIZE_BYTES || mapSizeBytes > MAX_MAP_SIZE_BYTES) {
            throw new IllegalArgumentException("mapSizeBytes must be within [" + MIN_MAP_SIZE_BYTES
                    + ", " + MAX_MAP_SIZE_BYTES + "], got " + mapSizeBytes);
        }
        if (maxKeyBytes < 1 || maxKeyBytes > LMDB_MAX_KEY_BYTES) {
            throw new IllegalArgumentException("maxKeyBytes must be within [1, " + LMDB_MAX_KEY_BYTES
                    + "] (LMDB's key size limit), got " + maxKeyBytes);
        }
        if (maxValueBytes < 1 || maxValueBytes > MAX_VALUE_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxValueBytes must be within [1, " + MAX_VALUE_BYTES_LIMIT
                    + "], got " + maxValueBytes);
        }
        if (tailCacheBytesPerGroup < 0 || tailCacheBytesPerGroup > MAX_VALUE_BYTES_LIMIT) {
            throw new IllegalArgumentException("tailCacheBytesPerGroup must be within [0, "
                    + MAX_VALUE_BYTES_LIMIT + "], got " + tailCacheBytesPerGroup);
        }
    }

    /** The four settings a node passes on its command line; the tail cache takes its default. */
    public StoreOptions(long mapSizeBytes, boolean fsync, long maxKeyBytes, long maxValueBytes) {
        this(mapSizeBytes, fsync, maxKeyBytes, maxValueBytes, DEFAULT_TAIL_CACHE_BYTES_PER_GROUP);
    }

    /** 4 GiB map, fsync on, LMDB's largest keys, 16 MiB values, 256 KiB tail cache per group. */
    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_MAP_SIZE_BYTES, true, LMDB_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES,
                DEFAULT_TAIL_CACHE_BYTES_PER_GROUP);
    }

    public StoreOptions withMapSizeBytes(long bytes) {
        return new StoreOptions(bytes, fsync, maxKeyBytes, maxValueBytes, tailCacheBytesPerGroup);
    }

    public StoreOptions withFsync(boolean on) {
        return new StoreOptions(mapSizeBytes, on, maxKeyBytes, maxValueBytes, tailCacheBytesPerGroup);
    }

    public StoreOptions withTailCacheBytesPerGroup(long bytes) {
        return new StoreOptions(mapSizeBytes, fsync, maxKeyBytes, maxValueBytes, bytes);
    }
}
