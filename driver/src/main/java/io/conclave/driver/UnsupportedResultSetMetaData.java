package io.conclave.driver;

/** Every method of {@link java.sql.ResultSetMetaData} the driver does not implement: each throws {@link java.sql.SQLFeatureNotSupportedException} (0A000), never a silent wrong answer. Generated from the interface; the real class overrides what it supports. {@code unwrap} and {@code isWrapperFor} come from {@link SelfWrapper}. */
@SuppressWarnings({"deprecation", "unchecked"})
abstract class UnsupportedResultSetMetaData implements java.sql.ResultSetMetaData, SelfWrapper {
    @Override
    public boolean isAutoIncrement(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.isAutoIncrement");
    }

    @Override
    public boolean isCaseSensitive(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.isCaseSensitive");
    }

    @Override
    public boolean isCurrency(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.isCurrency");
    }

    @Override
    public boolean isDefinitelyWritable(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.isDefinitelyWritable");
    }

    @Override
    public boolean isReadOnly(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.isReadOnly");
    }

    @Override
    public boolean isSearchable(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.isSearchable");
    }

    @Override
    public boolean isSigned(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.isSigned");
    }

    @Override
    public boolean isWritable(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.isWritable");
    }

    @Override
    public int getColumnCount() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getColumnCount");
    }

    @Override
    public int getColumnDisplaySize(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getColumnDisplaySize");
    }

    @Override
    public int getColumnType(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getColumnType");
    }

    @Override
    public int getPrecision(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getPrecision");
    }

    @Override
    public int getScale(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getScale");
    }

    @Override
    public int isNullable(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.isNullable");
    }

    @Override
    public String getCatalogName(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getCatalogName");
    }

    @Override
    public String getColumnClassName(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getColumnClassName");
    }

    @Override
    public String getColumnLabel(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getColumnLabel");
    }

    @Override
    public String getColumnName(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getColumnName");
    }

    @Override
    public String getColumnTypeName(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getColumnTypeName");
    }

    @Override
    public String getSchemaName(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getSchemaName");
    }

    @Override
    public String getTableName(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSetMetaData.getTableName");
    }
}
