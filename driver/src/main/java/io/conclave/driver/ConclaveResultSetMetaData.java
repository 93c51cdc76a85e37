package io.conclave.driver;

import io.conclave.driver.proto.ColumnInfo;
import io.conclave.driver.proto.TypeFamily;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Result columns: names and types as the server described them. */
final class ConclaveResultSetMetaData extends UnsupportedResultSetMetaData {
    private final List<ColumnInfo> columns;

    ConclaveResultSetMetaData(List<ColumnInfo> columns) {
        this.columns = List.copyOf(columns);
    }

    private ColumnInfo column(int c) throws SQLException {
        Errors.checkIndex("column", c, columns.size());
        return columns.get(c - 1);
    }

    /** The java.sql.Types code of a type family. */
    static int jdbcType(TypeFamily family) {
        return switch (family) {
            case INT -> Types.BIGINT;
            case FLOAT -> Types.DOUBLE;
            case DECIMAL -> Types.DECIMAL;
            case STRING -> Types.VARCHAR;
            case BOOL -> Types.BOOLEAN;
            case BYTES -> Types.VARBINARY;
            case TIMESTAMP -> Types.TIMESTAMP;
            default -> Types.OTHER;
        };
    }

    static String javaClass(TypeFamily family) {
        return switch (family) {
            case INT -> Long.class.getName();
            case FLOAT -> Double.class.getName();
            case DECIMAL -> java.math.BigDecimal.class.getName();
            case STRING -> String.class.getName();
            case BOOL -> Boolean.class.getName();
            case BYTES -> byte[].class.getName();
            case TIMESTAMP -> java.sql.Timestamp.class.getName();
            default -> Object.class.getName();
        };
    }

    @Override
    public int getColumnCount() {
        return columns.size();
    }

    @Override
    public String getColumnName(int c) throws SQLException {
        return column(c).getName();
    }

    @Override
    public String getColumnLabel(int c) throws SQLException {
        return column(c).getName();
    }

    @Override
    public int getColumnType(int c) throws SQLException {
        return jdbcType(column(c).getFamily());
    }

    @Override
    public String getColumnTypeName(int c) throws SQLException {
        return column(c).getTypeName();
    }

    @Override
    public String getColumnClassName(int c) throws SQLException {
        return javaClass(column(c).getFamily());
    }

    @Override
    public int getPrecision(int c) throws SQLException {
        ColumnInfo col = column(c);
        return switch (col.getFamily()) {
            case INT -> 19;
            case FLOAT -> 17;
            case DECIMAL -> col.getPrecision();
            case STRING -> col.getWidth();
            case TIMESTAMP -> 26;
            case BOOL -> 1;
            default -> 0;
        };
    }

    @Override
    public int getScale(int c) throws SQLException {
        return column(c).getScale();
    }

    @Override
    public int getColumnDisplaySize(int c) throws SQLException {
        int p = getPrecision(c);
        return p > 0 ? p + 2 : 40;
    }

    /** The server does not say whether a result column can be NULL. */
    @Override
    public int isNullable(int c) throws SQLException {
        column(c);
        return columnNullableUnknown;
    }

    @Override
    public boolean isSigned(int c) throws SQLException {
        TypeFamily f = column(c).getFamily();
        return f == TypeFamily.INT || f == TypeFamily.FLOAT || f == TypeFamily.DECIMAL;
    }

    @Override
    public boolean isAutoIncrement(int c) throws SQLException {
        column(c);
        return false;
    }

    @Override
    public boolean isCaseSensitive(int c) throws SQLException {
        return column(c).getFamily() == TypeFamily.STRING;
    }

    @Override
    public boolean isSearchable(int c) throws SQLException {
        column(c);
        return true;
    }

    @Override
    public boolean isCurrency(int c) throws SQLException {
        column(c);
        return false;
    }

    @Override
    public boolean isReadOnly(int c) throws SQLException {
        column(c);
        return true;
    }

    @Override
    public boolean isWritable(int c) throws SQLException {
        column(c);
        return false;
    }

    @Override
    public boolean isDefinitelyWritable(int c) throws SQLException {
        column(c);
        return false;
    }

    @Override
    public String getSchemaName(int c) throws SQLException {
        column(c);
        return "";
    }

    @Override
    public String getTableName(int c) throws SQLException {
        column(c);
        return "";
    }

    @Override
    public String getCatalogName(int c) throws SQLException {
        column(c);
        return "";
    }
}
