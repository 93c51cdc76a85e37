/**
 * {@code conclave bench ycsb}: YCSB's core workloads, faithful enough that a YCSB workload file
 * runs unchanged and its figures can be set beside YCSB's, against Conclave or any JDBC database.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Workloads.</b> {@link io.conclave.bench.ycsb.WorkloadConfig} holds the properties of
 *       YCSB's {@code CoreWorkload} with YCSB's defaults, parsed from YCSB's own properties format
 *       or from the built-in files {@code workloada..f} (resources, copies of YCSB's), and
 *       validated together; a bad value is an error naming the property before anything loads.
 *       Properties YCSB's client or bindings use are listed as ignored, not refused.</li>
 *   <li><b>Generators.</b> {@code ZipfianGenerator} (Gray et al., constant 0.99, the item count
 *       may grow), {@code ScrambledZipfianGenerator} (a ten-billion item zipfian, FNV-hashed,
 *       modulo the record count, with YCSB's precomputed zeta), {@code SkewedLatestGenerator}
 *       (zipfian over recency) and {@code UniformLongGenerator} are YCSB's algorithms. Run-phase
 *       inserts take key numbers from an {@code AcknowledgedCounterGenerator}: readers only choose
 *       keys up to the highest number below which every insert has finished, so {@code latest}
 *       never reads a key still being written. Key names are YCSB's: {@code user} + FNV hash.</li>
 *   <li><b>Randomness.</b> Every draw comes from a {@link java.util.SplittableRandom} per thread,
 *       split from one root seed ({@code --seed}, printed); a run's operation sequence per thread
 *       is reproducible, though interleaving across threads and the database's timing are not.</li>
 *   <li><b>Measurement.</b> One HdrHistogram {@code Recorder} per operation type (and one per
 *       type for failures), sampled once a second into cumulative histograms, an interval log and
 *       the throughput series. With {@code --target} each operation has an intended start in a
 *       fixed schedule and its latency counts from there, so a stall is charged to every
 *       operation queued behind it (no coordinated omission): a stall of S at rate R adds about
 *       R*S samples, from S down to nothing, about R*S/2 of them above S/2. Without a target,
 *       latency is service time and says nothing about queueing.</li>
 *   <li><b>Targets.</b> {@link io.conclave.bench.ycsb.Target} is YCSB's {@code DB} binding; one
 *       per thread. {@code JdbcTarget} speaks SQL to YCSB's schema ({@code YCSB_KEY},
 *       {@code FIELD0..n}) through prepared statements, loading a driver jar through its own class
 *       loader and a shim; {@code KvTarget} maps a record to one KV pair and goes through the range
 *       client (range cache, requests to each range's leaseholder).</li>
 *   <li><b>Time.</b> The runner reads time only through {@link io.conclave.bench.ycsb.BenchClock},
 *       so the throttle and the correction are tested on a manual clock.</li>
 * </ul>
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>The client runs on the same host as the database and competes for its CPU; at 32
 *       threads on 2 cores the client's own scheduling delays show up as latency.</li>
 *   <li>A throttled run whose target rate exceeds what the database sustains never catches up:
 *       latency grows with the run's length, which is the truth about that rate, not a bug.</li>
 *   <li>The KV target's update of some fields reads, merges and writes without a transaction;
 *       two concurrent updates of one record may lose one field (YCSB does not check values).</li>
 *   <li>A read-modify-write is one operation here; YCSB also counts its read and its update
 *       under READ and UPDATE, so YCSB's READ count for workload F is higher.</li>
 *   <li>{@code DriverManager} is process-global: the shim of a {@code --driver-jar} is
 *       registered for the run and removed when the target factory closes.</li>
 *   <li>With {@code --duration} the zipfian key space is sized from an estimate of the number of
 *       inserts (YCSB sizes it from {@code operationcount}); keys beyond it are never chosen.</li>
 * </ul>
 */
package io.conclave.bench.ycsb;
