package io.conclave.driver;

/** Every method of {@link java.sql.Statement} the driver does not implement: each throws {@link java.sql.SQLFeatureNotSupportedException} (0A000), never a silent wrong answer. Generated from the interface; the real class overrides what it supports. {@code unwrap} and {@code isWrapperFor} come from {@link SelfWrapper}. */
@SuppressWarnings({"deprecation", "unchecked"})
abstract class UnsupportedStatement implements java.sql.Statement, SelfWrapper {
    @Override
    public boolean execute(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.execute");
    }

    @Override
    public boolean execute(String arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.execute");
    }

    @Override
    public boolean execute(String arg0, int[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.execute");
    }

    @Override
    public boolean execute(String arg0, String[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.execute");
    }

    @Override
    public boolean getMoreResults() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getMoreResults");
    }

    @Override
    public boolean getMoreResults(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getMoreResults");
    }

    @Override
    public boolean isCloseOnCompletion() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.isCloseOnCompletion");
    }

    @Override
    public boolean isClosed() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.isClosed");
    }

    @Override
    public boolean isPoolable() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.isPoolable");
    }

    @Override
    public int executeUpdate(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.executeUpdate");
    }

    @Override
    public int executeUpdate(String arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.executeUpdate");
    }

    @Override
    public int executeUpdate(String arg0, int[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.executeUpdate");
    }

    @Override
    public int executeUpdate(String arg0, String[] arg1) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.executeUpdate");
    }

    @Override
    public int getFetchDirection() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getFetchDirection");
    }

    @Override
    public int getFetchSize() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getFetchSize");
    }

    @Override
    public int getMaxFieldSize() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getMaxFieldSize");
    }

    @Override
    public int getMaxRows() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getMaxRows");
    }

    @Override
    public int getQueryTimeout() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getQueryTimeout");
    }

    @Override
    public int getResultSetConcurrency() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getResultSetConcurrency");
    }

    @Override
    public int getResultSetHoldability() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getResultSetHoldability");
    }

    @Override
    public int getResultSetType() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getResultSetType");
    }

    @Override
    public int getUpdateCount() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getUpdateCount");
    }

    @Override
    public int[] executeBatch() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.executeBatch");
    }

    @Override
    public java.sql.Connection getConnection() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getConnection");
    }

    @Override
    public java.sql.ResultSet executeQuery(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.executeQuery");
    }

    @Override
    public java.sql.ResultSet getGeneratedKeys() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getGeneratedKeys");
    }

    @Override
    public java.sql.ResultSet getResultSet() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getResultSet");
    }

    @Override
    public java.sql.SQLWarning getWarnings() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.getWarnings");
    }

    @Override
    public void addBatch(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.addBatch");
    }

    @Override
    public void cancel() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.cancel");
    }

    @Override
    public void clearBatch() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.clearBatch");
    }

    @Override
    public void clearWarnings() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.clearWarnings");
    }

    @Override
    public void close() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.close");
    }

    @Override
    public void closeOnCompletion() throws java.sql.SQLException {
        throw Errors.notSupported("Statement.closeOnCompletion");
    }

    @Override
    public void setCursorName(String arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.setCursorName");
    }

    @Override
    public void setEscapeProcessing(boolean arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.setEscapeProcessing");
    }

    @Override
    public void setFetchDirection(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.setFetchDirection");
    }

    @Override
    public void setFetchSize(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.setFetchSize");
    }

    @Override
    public void setMaxFieldSize(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.setMaxFieldSize");
    }

    @Override
    public void setMaxRows(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.setMaxRows");
    }

    @Override
    public void setPoolable(boolean arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.setPoolable");
    }

    @Override
    public void setQueryTimeout(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("Statement.setQueryTimeout");
    }
}
