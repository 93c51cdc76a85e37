/**
 * History checkers for Conclave's fault-injection tests, in the line of Jepsen's Knossos,
 * Porcupine and Elle: a test records what its clients asked and what they were told, and a
 * checker decides afterwards whether any correct system could have told them that.
 *
 * <h2>How a test uses them</h2>
 *
 * <pre>{@code
 * HistoryRecorder recorder = new HistoryRecorder(System::nanoTime);
 * // in each client thread (process p), around every request:
 * HistoryRecorder.Handle h = recorder.invoke(p, "write", List.of(key, value));
 * try { kv.put(key, value); recorder.ok(h); }       // a read: recorder.ok(h, List.of(key, got))
 * catch (Refused e)  { recorder.fail(h, e); }   // certainly not applied
 * catch (Exception e) { recorder.info(h, e); }  // unknown: timeout, lost connection
 * // after the run:
 * History history = recorder.history();
 * var result = LinearizabilityChecker.check(history, RegisterModel.casRegister(),
 *         LinearizabilityChecker.Budget.of(5_000_000, Duration.ofSeconds(30)));
 * if (!result.isValid()) { history.write(Path.of("target/history-" + seed + ".edn")); fail(result.toString()); }
 * }</pre>
 *
 * <p>The workloads and their value shapes:
 * <ul>
 *   <li><b>Registers</b> ({@link io.conclave.tests.check.LinearizabilityChecker} with
 *       {@link io.conclave.tests.check.RegisterModel}): read/write/cas on keys, each value a
 *       {@code [key payload]} tuple; cas's payload is {@code [expected new]}.</li>
 *   <li><b>Bank</b> ({@link io.conclave.tests.check.BankChecker}): "transfer" and "read", a read
 *       returning every balance.</li>
 *   <li><b>Set</b> ({@link io.conclave.tests.check.SetChecker}): "add" of unique elements, then a
 *       final "read".</li>
 *   <li><b>List-append</b> ({@link io.conclave.tests.check.ListAppendChecker}): "txn" calls of
 *       {@code [:append k v]} and {@code [:r k nil]} micro-operations.</li>
 * </ul>
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li><b>A history is events, ordered by one lock.</b> The recorder appends each invocation and
 *       completion under a lock, so the list order is a real-time order. Every checker orders by
 *       that index, never by the clock readings, which are for humans (and may come from clocks
 *       that step).</li>
 *   <li><b>Three outcomes, taken literally.</b> OK took effect; FAIL certainly did not, and is
 *       ignored except where seeing its effect is itself the anomaly (G1a, a failed CAS's value
 *       read); INFO may have taken effect at any time after its invocation, even after the client
 *       gave up, or never. A client must record FAIL only when the system guarantees nothing
 *       happened (a refusal before the request was proposed); a timeout is INFO. Getting this
 *       wrong in the harness makes the checker report bugs that are not there.</li>
 *   <li><b>Pure and bounded.</b> Checkers are functions of the history, single-threaded and
 *       deterministic (they iterate insertion-ordered collections only). The linearizability
 *       search is exponential in the worst case and has a step and time budget; the verdict is
 *       then UNKNOWN with the reason, never a hang. Cycle searches are iterative (no recursion
 *       depth to overflow) and bound the number of G-single attempts per component.</li>
 *   <li><b>Readable results.</b> Each result's {@code toString()} is meant for a failing test's
 *       message: the key, the longest linearizable prefix and the call that could not be placed;
 *       each cycle with its edges and transactions ({@code T<invocation index>}); each bad read.
 *       {@link io.conclave.tests.check.History#write} leaves the history beside it, one op per
 *       line, and {@link io.conclave.tests.check.History#read} reads it back, so a failure can be
 *       turned into a file under {@code src/test/resources/check/} and replayed.</li>
 * </ul>
 *
 * <h2>What they cannot see (soundness limits)</h2>
 *
 * <ul>
 *   <li>Every anomaly reported is real, given a truthful history. The converse does not hold:
 *       a VALID verdict means only that this history has an explanation.</li>
 *   <li>Linearizability: a FAIL operation is dropped, so a CAS that failed because the value
 *       differed tells the checker nothing about that value. Reads whose result is unknown (INFO)
 *       are dropped, and so are INFO writes whose value nothing observed (the model says which:
 *       {@link io.conclave.tests.check.Model#omittable}). Only the first INVALID key is reported.
 *       The search is exponential in the concurrency and in the INFO calls still in it; a valid
 *       history is usually found quickly, but proving an invalid one invalid means exhausting
 *       every order. Keep each key's history to a few hundred or thousand calls (spread the
 *       workload over many keys, rotate to fresh keys) and a handful of clients. UNKNOWN is not
 *       VALID: a test should treat it as a failure to check and shrink the history rather than
 *       raise the budget without end.</li>
 *   <li>List-append: a key's version order is known only as far as its longest read; appends
 *       after it, and INFO transactions nobody observed, have no edges, so anomalies among them
 *       are invisible. A key whose reads disagree (incompatible-order) contributes no edges. One
 *       cycle is reported per strongly connected component, the worst kind found (G0 before G1c
 *       before G-single before G2); a component may hold further cycles of other kinds. G-single
 *       search tries a bounded number of rw edges and may report a G2 where a G-single exists.
 *       Without {@code realtime}, a stale read that some serial order explains passes: use
 *       {@link io.conclave.tests.check.ListAppendChecker.Options#strictSerializable()} to check
 *       Conclave's strict serializability.</li>
 *   <li>Bank: checks each snapshot alone; a stale but consistent snapshot passes, as does a
 *       transfer applied twice that another lost transfer cancels.</li>
 *   <li>Set: elements are compared by value, so adds must be unique; only the final read is
 *       checked, so an element lost and re-added is not seen.</li>
 * </ul>
 */
package io.conclave.tests.check;
