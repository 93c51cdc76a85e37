package io.conclave.sql;

import io.conclave.clock.Timestamp;
import io.conclave.sql.ast.Expr;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the timestamp of {@code AS OF SYSTEM TIME}: a constant that is either an HLC timestamp
 * in its readable form ({@code '1764160000.123456789,3'}), a negative interval relative to now
 * ({@code '-10s'}, {@code '-250ms'}, {@code '-2m'}, {@code '-1h'}), or a TIMESTAMP literal
 * ({@code '2026-11-26 10:00:00'}, UTC). A time after now is refused.
 */
final class AsOfSystemTime {
    private static final Pattern INTERVAL = Pattern.compile("-\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(us|ms|s|m|h)");

    private AsOfSystemTime() {}

    static Timestamp resolve(Expr expr, Timestamp now) {
        if (!(expr instanceof Expr.Literal lit) || lit.value().isNull()) {
            throw invalid("AS OF SYSTEM TIME needs a constant string such as '-10s' or '"
                    + now + "'");
        }
        Value v = lit.value();
        String text = v.family() == SqlType.Family.STRING ? v.asString().strip() : v.toString();
        Timestamp ts = parse(text, now);
        if (ts.isAfter(now)) {
            throw invalid("AS OF SYSTEM TIME " + ts + " is in the future (now is " + now + ")");
        }
        return ts;
    }

    private static Timestamp parse(String text, Timestamp now) {
        Matcher interval = INTERVAL.matcher(text.toLowerCase(Locale.ROOT));
        if (interval.matches()) {
            double amount = Double.parseDouble(interval.group(1));
            long unitNanos = switch (interval.group(2)) {
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            long nanos = (long) (amount * unitNanos);
            if (nanos > now.wallNanos()) {
                throw invalid("AS OF SYSTEM TIME interval '" + text + "' reaches before the Unix epoch");
            }
            return new Timestamp(now.wallNanos() - nanos, 0);
        }
        if (text.matches("[0-9]+(\\.[0-9]{1,9})?(,[0-9]+)?")) {
            try {
                return Timestamp.parse(text);
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
        }
        try {
            Value parsed = io.conclave.sql.exec.PublicCasts.toTimestamp(text);
            return new Timestamp(Math.multiplyExact(parsed.asTimestampMicros(), 1_000L), 0);
        } catch (SqlException | ArithmeticException | IllegalArgumentException e) {
            throw invalid("AS OF SYSTEM TIME: cannot read '" + text + "' as a timestamp, an HLC timestamp "
                    + "(SECONDS.NANOS,LOGICAL) or a negative interval such as '-10s'");
        }
    }

    private static SqlException invalid(String message) {
        return new SqlException(SqlState.INVALID_PARAMETER_VALUE, message);
    }
}
