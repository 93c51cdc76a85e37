package io.conclave.node.sql;

import com.google.protobuf.ByteString;
import io.conclave.driver.proto.ColumnInfo;
import io.conclave.driver.proto.Row;
import io.conclave.driver.proto.SqlValue;
import io.conclave.driver.proto.TypeFamily;
import io.conclave.sql.Column;
import io.conclave.sql.Result;
import io.conclave.sql.SqlException;
import io.conclave.sql.SqlType;
import io.conclave.sql.Value;
import java.util.List;

/** The engine's results as protocol messages: the one place the two type systems meet. */
final class ResultEncoding {
    private ResultEncoding() {}

    static io.conclave.driver.proto.Result.Builder encode(Result result) {
        io.conclave.driver.proto.Result.Builder b = io.conclave.driver.proto.Result.newBuilder()
                .setTag(result.tag())
                .putAllSettings(result.settings())
                .addAllSettingsReset(result.settingsReset());
        for (Column c : result.columns()) b.addColumns(column(c));
        for (List<Value> row : result.rows()) {
            Row.Builder r = Row.newBuilder();
            for (Value v : row) r.addValues(value(v));
            b.addRows(r);
        }
        b.setRowCount(result.columns().isEmpty() ? result.rowCount() : result.rows().size());
        return b;
    }

    static ColumnInfo column(Column c) {
        SqlType t = c.type();
        return ColumnInfo.newBuilder().setName(c.name()).setFamily(family(t.family())).setTypeName(t.sqlName())
                .setWidth(t.width()).setPrecision(t.precision()).setScale(t.scale()).build();
    }

    static TypeFamily family(SqlType.Family f) {
        return switch (f) {
            case INT -> TypeFamily.INT;
            case FLOAT -> TypeFamily.FLOAT;
            case DECIMAL -> TypeFamily.DECIMAL;
            case STRING -> TypeFamily.STRING;
            case BOOL -> TypeFamily.BOOL;
            case BYTES -> TypeFamily.BYTES;
            case TIMESTAMP -> TypeFamily.TIMESTAMP;
            case UNKNOWN -> TypeFamily.UNKNOWN;
        };
    }

    /** A statement parameter from its wire form; a malformed decimal is 22P02. */
    static Value parameter(SqlValue v) {
        return switch (v.getKindCase()) {
            case NULL, KIND_NOT_SET -> Value.NULL;
            case INT_VALUE -> Value.ofInt(v.getIntValue());
            case FLOAT_VALUE -> Value.ofFloat(v.getFloatValue());
            case DECIMAL_VALUE -> {
                try {
                    yield Value.ofDecimal(new java.math.BigDecimal(v.getDecimalValue()));
                } catch (NumberFormatException e) {
                    throw new SqlException("22P02", "invalid decimal parameter \"" + v.getDecimalValue() + "\"");
                }
            }
            case STRING_VALUE -> Value.ofString(v.getStringValue());
            case BOOL_VALUE -> Value.ofBool(v.getBoolValue());
            case BYTES_VALUE -> Value.ofBytes(v.getBytesValue().toByteArray());
            case TIMESTAMP_MICROS -> Value.ofTimestampMicros(v.getTimestampMicros());
        };
    }

    static SqlValue value(Value v) {
        SqlValue.Builder b = SqlValue.newBuilder();
        if (v.isNull()) return b.setNull(true).build();
        return switch (v.family()) {
            case INT -> b.setIntValue(v.asLong()).build();
            case FLOAT -> b.setFloatValue(v.asDouble()).build();
            case DECIMAL -> b.setDecimalValue(v.asDecimal().toPlainString()).build();
            case STRING -> b.setStringValue(v.asString()).build();
            case BOOL -> b.setBoolValue(v.asBool()).build();
            case BYTES -> b.setBytesValue(ByteString.copyFrom(v.asBytes())).build();
            case TIMESTAMP -> b.setTimestampMicros(v.asTimestampMicros()).build();
            case UNKNOWN -> b.setNull(true).build();
        };
    }
}
