package io.conclave.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.driver.proto.ColumnInfo;
import io.conclave.driver.proto.Result;
import io.conclave.driver.proto.Row;
import io.conclave.driver.proto.SqlValue;
import io.conclave.driver.proto.TypeFamily;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import org.junit.jupiter.api.Test;

class ResultSetTest {
    private static ColumnInfo col(String name, TypeFamily f) {
        return ColumnInfo.newBuilder().setName(name).setFamily(f).setTypeName(f.name()).build();
    }

    private static ResultSet resultSet() {
        Result r = Result.newBuilder()
                .addColumns(col("i", TypeFamily.INT)).addColumns(col("s", TypeFamily.STRING))
                .addColumns(col("d", TypeFamily.DECIMAL)).addColumns(col("b", TypeFamily.BYTES))
                .addColumns(col("t", TypeFamily.TIMESTAMP)).addColumns(col("f", TypeFamily.FLOAT))
                .addRows(Row.newBuilder()
                        .addValues(SqlValue.newBuilder().setIntValue(3_000_000_000L))
                        .addValues(SqlValue.newBuilder().setStringValue("42"))
                        .addValues(SqlValue.newBuilder().setDecimalValue("12.50"))
                        .addValues(SqlValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {1, 2})))
                        .addValues(SqlValue.newBuilder().setTimestampMicros(1_500_000L))
                        .addValues(SqlValue.newBuilder().setFloatValue(2.5)))
                .addRows(Row.newBuilder().addValues(SqlValue.newBuilder().setNull(true))
                        .addValues(SqlValue.newBuilder().setStringValue("x"))
                        .addValues(SqlValue.newBuilder().setNull(true)).addValues(SqlValue.newBuilder().setNull(true))
                        .addValues(SqlValue.newBuilder().setNull(true)).addValues(SqlValue.newBuilder().setNull(true)))
                .build();
        return new ConclaveResultSet(null, r, 0);
    }

    @Test
    void gettersConvertAndRefuseWhatDoesNotFit() throws SQLException {
        ResultSet rs = resultSet();
        assertThrows(SQLException.class, () -> rs.getLong(1)); // before the first row: 24000
        assertTrue(rs.next());
        assertEquals(3_000_000_000L, rs.getLong("I"));
        assertEquals("22003", assertThrows(SQLException.class, () -> rs.getInt(1)).getSQLState());
        assertEquals("3000000000", rs.getString(1));
        assertEquals(42, rs.getInt("s"));
        assertEquals(new BigDecimal("12.50"), rs.getBigDecimal(3));
        assertEquals(12, rs.getLong(3));
        assertArrayEquals(new byte[] {1, 2}, rs.getBytes(4));
        assertEquals("\\x0102", rs.getString(4));
        Timestamp t = rs.getTimestamp(5);
        assertEquals(1500, t.getTime());
        assertEquals("1970-01-01 00:00:01.5", rs.getString(5));
        assertEquals(2.5, rs.getDouble(6));
        assertEquals(Long.class, rs.getObject(1).getClass());
        assertEquals(Integer.valueOf(42), rs.getObject(2, Integer.class));
        assertEquals("42703", assertThrows(SQLException.class, () -> rs.getString("nope")).getSQLState());
        assertEquals("07009", assertThrows(SQLException.class, () -> rs.getString(7)).getSQLState());
        assertTrue(rs.next());
        assertEquals(0, rs.getLong(1));
        assertTrue(rs.wasNull());
        assertNull(rs.getObject(1, Long.class));
        assertEquals("22018", assertThrows(SQLException.class, () -> rs.getInt(2)).getSQLState());
        assertNull(rs.getBigDecimal(3));
        assertFalse(rs.next());
        assertFalse(rs.next());
    }

    @Test
    void metadataNamesJdbcTypes() throws SQLException {
        var md = resultSet().getMetaData();
        assertEquals(6, md.getColumnCount());
        assertEquals(Types.BIGINT, md.getColumnType(1));
        assertEquals(Types.VARCHAR, md.getColumnType(2));
        assertEquals(Types.DECIMAL, md.getColumnType(3));
        assertEquals(Types.VARBINARY, md.getColumnType(4));
        assertEquals(Types.TIMESTAMP, md.getColumnType(5));
        assertEquals(Types.DOUBLE, md.getColumnType(6));
        assertEquals("java.lang.Long", md.getColumnClassName(1));
        assertEquals("s", md.getColumnLabel(2));
    }

    @Test
    void metadataRefusesAColumnOutsideOneToCount() {
        SQLException e = assertThrows(SQLException.class, () -> resultSet().getMetaData().getColumnName(0));
        assertEquals("07009", e.getSQLState());
        assertEquals("column index 0 is out of range 1..6", e.getMessage());
    }

    @Test
    void unwrapGivesOnlyTheObjectItself() throws SQLException {
        ResultSet rs = resultSet();
        assertTrue(rs.isWrapperFor(ResultSet.class));
        assertEquals(rs, rs.unwrap(ResultSet.class));
        assertFalse(rs.isWrapperFor(String.class));
        SQLException e = assertThrows(SQLException.class, () -> rs.unwrap(String.class));
        assertEquals("22023", e.getSQLState());
        assertEquals("not a wrapper for java.lang.String", e.getMessage());
    }
}
