package io.conclave.driver;

/** Every method of {@link java.sql.PreparedStatement} the driver does not implement: each throws {@link java.sql.SQLFeatureNotSupportedException} (0A000), never a silent wrong answer. Generated from the interface; the real class overrides what it supports. */
@SuppressWarnings({"deprecation", "unchecked"})
abstract class UnsupportedPreparedStatement extends ConclaveStatement implements java.sql.PreparedStatement {
    UnsupportedPreparedStatement(ConclaveConnection connection) {
        super(connection);
    }

    @Override
    public boolean execute() throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.execute");
    }

    @Override
    public int executeUpdate() throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.executeUpdate");
    }

    @Override
    public java.sql.ParameterMetaData getParameterMetaData() throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.getParameterMetaData");
    }

    @Override
    public java.sql.ResultSet executeQuery() throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.executeQuery");
    }

    @Override
    public java.sql.ResultSetMetaData getMetaData() throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.getMetaData");
    }

    @Override
    public void addBatch() throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.addBatch");
    }

    @Override
    public void clearParameters() throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.clearParameters");
    }

    @Override
    public void setArray(int arg0, java.sql.Array arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setArray");
    }

    @Override
    public void setAsciiStream(int arg0, java.io.InputStream arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setAsciiStream");
    }

    @Override
    public void setAsciiStream(int arg0, java.io.InputStream arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setAsciiStream");
    }

    @Override
    public void setAsciiStream(int arg0, java.io.InputStream arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setAsciiStream");
    }

    @Override
    public void setBigDecimal(int arg0, java.math.BigDecimal arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setBigDecimal");
    }

    @Override
    public void setBinaryStream(int arg0, java.io.InputStream arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setBinaryStream");
    }

    @Override
    public void setBinaryStream(int arg0, java.io.InputStream arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setBinaryStream");
    }

    @Override
    public void setBinaryStream(int arg0, java.io.InputStream arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setBinaryStream");
    }

    @Override
    public void setBlob(int arg0, java.io.InputStream arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setBlob");
    }

    @Override
    public void setBlob(int arg0, java.io.InputStream arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setBlob");
    }

    @Override
    public void setBlob(int arg0, java.sql.Blob arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setBlob");
    }

    @Override
    public void setBoolean(int arg0, boolean arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setBoolean");
    }

    @Override
    public void setByte(int arg0, byte arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setByte");
    }

    @Override
    public void setBytes(int arg0, byte[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setBytes");
    }

    @Override
    public void setCharacterStream(int arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setCharacterStream");
    }

    @Override
    public void setCharacterStream(int arg0, java.io.Reader arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setCharacterStream");
    }

    @Override
    public void setCharacterStream(int arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setCharacterStream");
    }

    @Override
    public void setClob(int arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setClob");
    }

    @Override
    public void setClob(int arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setClob");
    }

    @Override
    public void setClob(int arg0, java.sql.Clob arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setClob");
    }

    @Override
    public void setDate(int arg0, java.sql.Date arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setDate");
    }

    @Override
    public void setDate(int arg0, java.sql.Date arg1, java.util.Calendar arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setDate");
    }

    @Override
    public void setDouble(int arg0, double arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setDouble");
    }

    @Override
    public void setFloat(int arg0, float arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setFloat");
    }

    @Override
    public void setInt(int arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setInt");
    }

    @Override
    public void setLong(int arg0, long arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setLong");
    }

    @Override
    public void setNCharacterStream(int arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setNCharacterStream");
    }

    @Override
    public void setNCharacterStream(int arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setNCharacterStream");
    }

    @Override
    public void setNClob(int arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setNClob");
    }

    @Override
    public void setNClob(int arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setNClob");
    }

    @Override
    public void setNClob(int arg0, java.sql.NClob arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setNClob");
    }

    @Override
    public void setNString(int arg0, String arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setNString");
    }

    @Override
    public void setNull(int arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setNull");
    }

    @Override
    public void setNull(int arg0, int arg1, String arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setNull");
    }

    @Override
    public void setObject(int arg0, Object arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setObject");
    }

    @Override
    public void setObject(int arg0, Object arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setObject");
    }

    @Override
    public void setObject(int arg0, Object arg1, int arg2, int arg3) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setObject");
    }

    @Override
    public void setRef(int arg0, java.sql.Ref arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setRef");
    }

    @Override
    public void setRowId(int arg0, java.sql.RowId arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setRowId");
    }

    @Override
    public void setSQLXML(int arg0, java.sql.SQLXML arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setSQLXML");
    }

    @Override
    public void setShort(int arg0, short arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setShort");
    }

    @Override
    public void setString(int arg0, String arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setString");
    }

    @Override
    public void setTime(int arg0, java.sql.Time arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setTime");
    }

    @Override
    public void setTime(int arg0, java.sql.Time arg1, java.util.Calendar arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setTime");
    }

    @Override
    public void setTimestamp(int arg0, java.sql.Timestamp arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setTimestamp");
    }

    @Override
    public void setTimestamp(int arg0, java.sql.Timestamp arg1, java.util.Calendar arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setTimestamp");
    }

    @Override
    public void setURL(int arg0, java.net.URL arg1) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setURL");
    }

    @Override
    public void setUnicodeStream(int arg0, java.io.InputStream arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("PreparedStatement.setUnicodeStream");
    }
}
