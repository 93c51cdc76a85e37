package io.conclave.driver;

/** Every method of {@link java.sql.Connection} the driver does not implement: each throws {@link java.sql.SQLFeatureNotSupportedException} (0A000), never a silent wrong answer. Generated from the interface; the real class overrides what it supports. {@code unwrap} and {@code isWrapperFor} come from {@link SelfWrapper}. */
@SuppressWarnings({"deprecation", "unchecked"})
abstract class UnsupportedConnection implements java.sql.Connection, SelfWrapper {
    @Override
    public boolean getAutoCommit() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getAutoCommit");
    }

    @Override
    public boolean isClosed() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.isClosed");
    }

    @Override
    public boolean isReadOnly() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.isReadOnly");
    }

    @Override
    public boolean isValid(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.isValid");
    }

    @Override
    public int getHoldability() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getHoldability");
    }

    @Override
    public int getNetworkTimeout() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getNetworkTimeout");
    }

    @Override
    public int getTransactionIsolation() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getTransactionIsolation");
    }

    @Override
    public String getCatalog() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getCatalog");
    }

    @Override
    public String getClientInfo(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getClientInfo");
    }

    @Override
    public String getSchema() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getSchema");
    }

    @Override
    public String nativeSQL(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.nativeSQL");
    }

    @Override
    public java.sql.Array createArrayOf(String arg0, Object[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.createArrayOf");
    }

    @Override
    public java.sql.Blob createBlob() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.createBlob");
    }

    @Override
    public java.sql.CallableStatement prepareCall(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.prepareCall");
    }

    @Override
    public java.sql.CallableStatement prepareCall(String arg0, int arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.prepareCall");
    }

    @Override
    public java.sql.CallableStatement prepareCall(String arg0, int arg1, int arg2, int arg3) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.prepareCall");
    }

    @Override
    public java.sql.Clob createClob() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.createClob");
    }

    @Override
    public java.sql.DatabaseMetaData getMetaData() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getMetaData");
    }

    @Override
    public java.sql.NClob createNClob() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.createNClob");
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.prepareStatement");
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.prepareStatement");
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String arg0, int arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.prepareStatement");
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String arg0, int arg1, int arg2, int arg3) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.prepareStatement");
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String arg0, int[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.prepareStatement");
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String arg0, String[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.prepareStatement");
    }

    @Override
    public java.sql.SQLWarning getWarnings() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getWarnings");
    }

    @Override
    public java.sql.SQLXML createSQLXML() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.createSQLXML");
    }

    @Override
    public java.sql.Savepoint setSavepoint() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.setSavepoint");
    }

    @Override
    public java.sql.Savepoint setSavepoint(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.setSavepoint");
    }

    @Override
    public java.sql.Statement createStatement() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.createStatement");
    }

    @Override
    public java.sql.Statement createStatement(int arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.createStatement");
    }

    @Override
    public java.sql.Statement createStatement(int arg0, int arg1, int arg2) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.createStatement");
    }

    @Override
    public java.sql.Struct createStruct(String arg0, Object[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.createStruct");
    }

    @Override
    public java.util.Map<String, Class<?>> getTypeMap() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getTypeMap");
    }

    @Override
    public java.util.Properties getClientInfo() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.getClientInfo");
    }

    @Override
    public void abort(java.util.concurrent.Executor arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.abort");
    }

    @Override
    public void clearWarnings() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.clearWarnings");
    }

    @Override
    public void close() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.close");
    }

    @Override
    public void commit() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.commit");
    }

    @Override
    public void releaseSavepoint(java.sql.Savepoint arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.releaseSavepoint");
    }

    @Override
    public void rollback() throws java.sql.SQLException {
        throw Errors.notSupported("Connection.rollback");
    }

    @Override
    public void rollback(java.sql.Savepoint arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.rollback");
    }

    @Override
    public void setAutoCommit(boolean arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.setAutoCommit");
    }

    @Override
    public void setCatalog(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.setCatalog");
    }

    @Override
    public void setClientInfo(String arg0, String arg1) throws java.sql.SQLClientInfoException {
        throw new java.sql.SQLClientInfoException("client info is not supported by the Conclave driver", java.util.Map.of());
    }

    @Override
    public void setClientInfo(java.util.Properties arg0) throws java.sql.SQLClientInfoException {
        throw new java.sql.SQLClientInfoException("client info is not supported by the Conclave driver", java.util.Map.of());
    }

    @Override
    public void setHoldability(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.setHoldability");
    }

    @Override
    public void setNetworkTimeout(java.util.concurrent.Executor arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.setNetworkTimeout");
    }

    @Override
    public void setReadOnly(boolean arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.setReadOnly");
    }

    @Override
    public void setSchema(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.setSchema");
    }

    @Override
    public void setTransactionIsolation(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.setTransactionIsolation");
    }

    @Override
    public void setTypeMap(java.util.Map<String, Class<?>> arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Connection.setTypeMap");
    }
}
