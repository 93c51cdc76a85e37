package io.conclave.driver;

/** Every method of {@link java.sql.ResultSet} the driver does not implement: each throws {@link java.sql.SQLFeatureNotSupportedException} (0A000), never a silent wrong answer. Generated from the interface; the real class overrides what it supports. {@code unwrap} and {@code isWrapperFor} come from {@link SelfWrapper}. */
@SuppressWarnings({"deprecation", "unchecked"})
abstract class UnsupportedResultSet implements java.sql.ResultSet, SelfWrapper {
    @Override
    public <T> T getObject(int arg0, Class<T> arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getObject");
    }

    @Override
    public <T> T getObject(String arg0, Class<T> arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getObject");
    }

    @Override
    public boolean absolute(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.absolute");
    }

    @Override
    public boolean first() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.first");
    }

    @Override
    public boolean getBoolean(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBoolean");
    }

    @Override
    public boolean getBoolean(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBoolean");
    }

    @Override
    public boolean isAfterLast() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.isAfterLast");
    }

    @Override
    public boolean isBeforeFirst() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.isBeforeFirst");
    }

    @Override
    public boolean isClosed() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.isClosed");
    }

    @Override
    public boolean isFirst() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.isFirst");
    }

    @Override
    public boolean isLast() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.isLast");
    }

    @Override
    public boolean last() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.last");
    }

    @Override
    public boolean next() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.next");
    }

    @Override
    public boolean previous() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.previous");
    }

    @Override
    public boolean relative(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.relative");
    }

    @Override
    public boolean rowDeleted() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.rowDeleted");
    }

    @Override
    public boolean rowInserted() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.rowInserted");
    }

    @Override
    public boolean rowUpdated() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.rowUpdated");
    }

    @Override
    public boolean wasNull() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.wasNull");
    }

    @Override
    public byte getByte(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getByte");
    }

    @Override
    public byte getByte(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getByte");
    }

    @Override
    public byte[] getBytes(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBytes");
    }

    @Override
    public byte[] getBytes(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBytes");
    }

    @Override
    public double getDouble(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getDouble");
    }

    @Override
    public double getDouble(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getDouble");
    }

    @Override
    public float getFloat(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getFloat");
    }

    @Override
    public float getFloat(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getFloat");
    }

    @Override
    public int findColumn(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.findColumn");
    }

    @Override
    public int getConcurrency() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getConcurrency");
    }

    @Override
    public int getFetchDirection() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getFetchDirection");
    }

    @Override
    public int getFetchSize() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getFetchSize");
    }

    @Override
    public int getHoldability() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getHoldability");
    }

    @Override
    public int getInt(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getInt");
    }

    @Override
    public int getInt(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getInt");
    }

    @Override
    public int getRow() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getRow");
    }

    @Override
    public int getType() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getType");
    }

    @Override
    public java.io.InputStream getAsciiStream(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getAsciiStream");
    }

    @Override
    public java.io.InputStream getAsciiStream(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getAsciiStream");
    }

    @Override
    public java.io.InputStream getBinaryStream(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBinaryStream");
    }

    @Override
    public java.io.InputStream getBinaryStream(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBinaryStream");
    }

    @Override
    public java.io.InputStream getUnicodeStream(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getUnicodeStream");
    }

    @Override
    public java.io.InputStream getUnicodeStream(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getUnicodeStream");
    }

    @Override
    public java.io.Reader getCharacterStream(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getCharacterStream");
    }

    @Override
    public java.io.Reader getCharacterStream(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getCharacterStream");
    }

    @Override
    public java.io.Reader getNCharacterStream(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getNCharacterStream");
    }

    @Override
    public java.io.Reader getNCharacterStream(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getNCharacterStream");
    }

    @Override
    public Object getObject(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getObject");
    }

    @Override
    public Object getObject(int arg0, java.util.Map<String, Class<?>> arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getObject");
    }

    @Override
    public Object getObject(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getObject");
    }

    @Override
    public Object getObject(String arg0, java.util.Map<String, Class<?>> arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getObject");
    }

    @Override
    public String getCursorName() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getCursorName");
    }

    @Override
    public String getNString(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getNString");
    }

    @Override
    public String getNString(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getNString");
    }

    @Override
    public String getString(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getString");
    }

    @Override
    public String getString(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getString");
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBigDecimal");
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBigDecimal");
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBigDecimal");
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBigDecimal");
    }

    @Override
    public java.net.URL getURL(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getURL");
    }

    @Override
    public java.net.URL getURL(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getURL");
    }

    @Override
    public java.sql.Array getArray(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getArray");
    }

    @Override
    public java.sql.Array getArray(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getArray");
    }

    @Override
    public java.sql.Blob getBlob(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBlob");
    }

    @Override
    public java.sql.Blob getBlob(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getBlob");
    }

    @Override
    public java.sql.Clob getClob(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getClob");
    }

    @Override
    public java.sql.Clob getClob(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getClob");
    }

    @Override
    public java.sql.Date getDate(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getDate");
    }

    @Override
    public java.sql.Date getDate(int arg0, java.util.Calendar arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getDate");
    }

    @Override
    public java.sql.Date getDate(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getDate");
    }

    @Override
    public java.sql.Date getDate(String arg0, java.util.Calendar arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getDate");
    }

    @Override
    public java.sql.NClob getNClob(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getNClob");
    }

    @Override
    public java.sql.NClob getNClob(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getNClob");
    }

    @Override
    public java.sql.Ref getRef(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getRef");
    }

    @Override
    public java.sql.Ref getRef(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getRef");
    }

    @Override
    public java.sql.ResultSetMetaData getMetaData() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getMetaData");
    }

    @Override
    public java.sql.RowId getRowId(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getRowId");
    }

    @Override
    public java.sql.RowId getRowId(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getRowId");
    }

    @Override
    public java.sql.SQLWarning getWarnings() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getWarnings");
    }

    @Override
    public java.sql.SQLXML getSQLXML(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getSQLXML");
    }

    @Override
    public java.sql.SQLXML getSQLXML(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getSQLXML");
    }

    @Override
    public java.sql.Statement getStatement() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getStatement");
    }

    @Override
    public java.sql.Time getTime(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getTime");
    }

    @Override
    public java.sql.Time getTime(int arg0, java.util.Calendar arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getTime");
    }

    @Override
    public java.sql.Time getTime(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getTime");
    }

    @Override
    public java.sql.Time getTime(String arg0, java.util.Calendar arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getTime");
    }

    @Override
    public java.sql.Timestamp getTimestamp(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getTimestamp");
    }

    @Override
    public java.sql.Timestamp getTimestamp(int arg0, java.util.Calendar arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getTimestamp");
    }

    @Override
    public java.sql.Timestamp getTimestamp(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getTimestamp");
    }

    @Override
    public java.sql.Timestamp getTimestamp(String arg0, java.util.Calendar arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getTimestamp");
    }

    @Override
    public long getLong(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getLong");
    }

    @Override
    public long getLong(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getLong");
    }

    @Override
    public short getShort(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getShort");
    }

    @Override
    public short getShort(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.getShort");
    }

    @Override
    public void afterLast() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.afterLast");
    }

    @Override
    public void beforeFirst() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.beforeFirst");
    }

    @Override
    public void cancelRowUpdates() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.cancelRowUpdates");
    }

    @Override
    public void clearWarnings() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.clearWarnings");
    }

    @Override
    public void close() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.close");
    }

    @Override
    public void deleteRow() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.deleteRow");
    }

    @Override
    public void insertRow() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.insertRow");
    }

    @Override
    public void moveToCurrentRow() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.moveToCurrentRow");
    }

    @Override
    public void moveToInsertRow() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.moveToInsertRow");
    }

    @Override
    public void refreshRow() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.refreshRow");
    }

    @Override
    public void setFetchDirection(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.setFetchDirection");
    }

    @Override
    public void setFetchSize(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.setFetchSize");
    }

    @Override
    public void updateArray(int arg0, java.sql.Array arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateArray");
    }

    @Override
    public void updateArray(String arg0, java.sql.Array arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateArray");
    }

    @Override
    public void updateAsciiStream(int arg0, java.io.InputStream arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(int arg0, java.io.InputStream arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(int arg0, java.io.InputStream arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(String arg0, java.io.InputStream arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(String arg0, java.io.InputStream arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(String arg0, java.io.InputStream arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateAsciiStream");
    }

    @Override
    public void updateBigDecimal(int arg0, java.math.BigDecimal arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBigDecimal");
    }

    @Override
    public void updateBigDecimal(String arg0, java.math.BigDecimal arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBigDecimal");
    }

    @Override
    public void updateBinaryStream(int arg0, java.io.InputStream arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(int arg0, java.io.InputStream arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(int arg0, java.io.InputStream arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(String arg0, java.io.InputStream arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(String arg0, java.io.InputStream arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(String arg0, java.io.InputStream arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBinaryStream");
    }

    @Override
    public void updateBlob(int arg0, java.io.InputStream arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBlob");
    }

    @Override
    public void updateBlob(int arg0, java.io.InputStream arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBlob");
    }

    @Override
    public void updateBlob(int arg0, java.sql.Blob arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBlob");
    }

    @Override
    public void updateBlob(String arg0, java.io.InputStream arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBlob");
    }

    @Override
    public void updateBlob(String arg0, java.io.InputStream arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBlob");
    }

    @Override
    public void updateBlob(String arg0, java.sql.Blob arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBlob");
    }

    @Override
    public void updateBoolean(int arg0, boolean arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBoolean");
    }

    @Override
    public void updateBoolean(String arg0, boolean arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBoolean");
    }

    @Override
    public void updateByte(int arg0, byte arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateByte");
    }

    @Override
    public void updateByte(String arg0, byte arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateByte");
    }

    @Override
    public void updateBytes(int arg0, byte[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBytes");
    }

    @Override
    public void updateBytes(String arg0, byte[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateBytes");
    }

    @Override
    public void updateCharacterStream(int arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(int arg0, java.io.Reader arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(int arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(String arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(String arg0, java.io.Reader arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(String arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateCharacterStream");
    }

    @Override
    public void updateClob(int arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateClob");
    }

    @Override
    public void updateClob(int arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateClob");
    }

    @Override
    public void updateClob(int arg0, java.sql.Clob arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateClob");
    }

    @Override
    public void updateClob(String arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateClob");
    }

    @Override
    public void updateClob(String arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateClob");
    }

    @Override
    public void updateClob(String arg0, java.sql.Clob arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateClob");
    }

    @Override
    public void updateDate(int arg0, java.sql.Date arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateDate");
    }

    @Override
    public void updateDate(String arg0, java.sql.Date arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateDate");
    }

    @Override
    public void updateDouble(int arg0, double arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateDouble");
    }

    @Override
    public void updateDouble(String arg0, double arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateDouble");
    }

    @Override
    public void updateFloat(int arg0, float arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateFloat");
    }

    @Override
    public void updateFloat(String arg0, float arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateFloat");
    }

    @Override
    public void updateInt(int arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateInt");
    }

    @Override
    public void updateInt(String arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateInt");
    }

    @Override
    public void updateLong(int arg0, long arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateLong");
    }

    @Override
    public void updateLong(String arg0, long arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateLong");
    }

    @Override
    public void updateNCharacterStream(int arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(int arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(String arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(String arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNCharacterStream");
    }

    @Override
    public void updateNClob(int arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNClob");
    }

    @Override
    public void updateNClob(int arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNClob");
    }

    @Override
    public void updateNClob(int arg0, java.sql.NClob arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNClob");
    }

    @Override
    public void updateNClob(String arg0, java.io.Reader arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNClob");
    }

    @Override
    public void updateNClob(String arg0, java.io.Reader arg1, long arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNClob");
    }

    @Override
    public void updateNClob(String arg0, java.sql.NClob arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNClob");
    }

    @Override
    public void updateNString(int arg0, String arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNString");
    }

    @Override
    public void updateNString(String arg0, String arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNString");
    }

    @Override
    public void updateNull(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNull");
    }

    @Override
    public void updateNull(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateNull");
    }

    @Override
    public void updateObject(int arg0, Object arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateObject");
    }

    @Override
    public void updateObject(int arg0, Object arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateObject");
    }

    @Override
    public void updateObject(String arg0, Object arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateObject");
    }

    @Override
    public void updateObject(String arg0, Object arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateObject");
    }

    @Override
    public void updateRef(int arg0, java.sql.Ref arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateRef");
    }

    @Override
    public void updateRef(String arg0, java.sql.Ref arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateRef");
    }

    @Override
    public void updateRow() throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateRow");
    }

    @Override
    public void updateRowId(int arg0, java.sql.RowId arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateRowId");
    }

    @Override
    public void updateRowId(String arg0, java.sql.RowId arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateRowId");
    }

    @Override
    public void updateSQLXML(int arg0, java.sql.SQLXML arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateSQLXML");
    }

    @Override
    public void updateSQLXML(String arg0, java.sql.SQLXML arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateSQLXML");
    }

    @Override
    public void updateShort(int arg0, short arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateShort");
    }

    @Override
    public void updateShort(String arg0, short arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateShort");
    }

    @Override
    public void updateString(int arg0, String arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateString");
    }

    @Override
    public void updateString(String arg0, String arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateString");
    }

    @Override
    public void updateTime(int arg0, java.sql.Time arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateTime");
    }

    @Override
    public void updateTime(String arg0, java.sql.Time arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateTime");
    }

    @Override
    public void updateTimestamp(int arg0, java.sql.Timestamp arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateTimestamp");
    }

    @Override
    public void updateTimestamp(String arg0, java.sql.Timestamp arg1) throws java.sql.SQLException {
        throw Errors.notSupported("ResultSet.updateTimestamp");
    }
}
