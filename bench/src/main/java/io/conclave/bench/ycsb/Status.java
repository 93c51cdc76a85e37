package io.conclave.bench.ycsb;

/**
 * The outcome of one operation on a {@link Target}, as YCSB's {@code Status}: a stable name that
 * errors are counted by, and a description. Anything but {@link #OK} counts as an error of that
 * kind; a target that throws is counted under the exception's class name instead.
 *
 * @param retryable whether the database said the operation may succeed if run again (a
 *     serialization failure, a timeout): with {@code --retries} such an operation runs again,
 *     and the retry is counted under this status's name
 */
public record Status(String name, String description, boolean retryable) {
    public static final Status OK = new Status("OK", "the operation completed");
    public static final Status NOT_FOUND = new Status("NOT_FOUND", "the requested record was not found");
    public static final Status ERROR = new Status("ERROR", "the operation failed");
    public static final Status UNAVAILABLE = new Status("SERVICE_UNAVAILABLE", "the database did not answer in time");
    public static final Status BAD_REQUEST = new Status("BAD_REQUEST", "the database refused the request");
    public static final Status NOT_IMPLEMENTED = new Status("NOT_IMPLEMENTED", "the target cannot do this operation");

    public Status {
        Checks.check(name != null && name.matches("[A-Z0-9_]+"), "a status name is upper case letters, digits and '_', was %s", name);
    }

    /** A failure that running the operation again will not fix. */
    public Status(String name, String description) {
        this(name, description, false);
    }

    public boolean isOk() {
        return this.equals(OK);
    }
}
