/**
 * Time for Conclave: timestamps, the hybrid logical clock, and the maximum clock offset.
 *
 * <p>Every message between nodes and between clients and nodes carries the sender's
 * {@link io.conclave.clock.HybridLogicalClock} reading; the receiver absorbs it with
 * {@code update} before acting, so causally later events always get larger timestamps. The
 * physical time source is injected ({@link io.conclave.clock.SystemClock} in production,
 * {@link io.conclave.clock.ManualClock} in tests, {@link io.conclave.clock.OffsetClock} and
 * {@link io.conclave.clock.DriftingClock} for fault injection); nothing else in the module
 * reads the system time.
 */
package io.conclave.clock;
