package io.conclave.driver;

/** Every method of {@link java.sql.DatabaseMetaData} the driver does not implement: each throws {@link java.sql.SQLFeatureNotSupportedException} (0A000), never a silent wrong answer. Generated from the interface; the real class overrides what it supports. {@code unwrap} and {@code isWrapperFor} come from {@link SelfWrapper}. */
@SuppressWarnings({"deprecation", "unchecked"})
abstract class UnsupportedDatabaseMetaData implements java.sql.DatabaseMetaData, SelfWrapper {
    @Override
    public boolean allProceduresAreCallable() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.allProceduresAreCallable");
    }

    @Override
    public boolean allTablesAreSelectable() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.allTablesAreSelectable");
    }

    @Override
    public boolean autoCommitFailureClosesAllResultSets() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.autoCommitFailureClosesAllResultSets");
    }

    @Override
    public boolean dataDefinitionCausesTransactionCommit() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.dataDefinitionCausesTransactionCommit");
    }

    @Override
    public boolean dataDefinitionIgnoredInTransactions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.dataDefinitionIgnoredInTransactions");
    }

    @Override
    public boolean deletesAreDetected(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.deletesAreDetected");
    }

    @Override
    public boolean doesMaxRowSizeIncludeBlobs() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.doesMaxRowSizeIncludeBlobs");
    }

    @Override
    public boolean generatedKeyAlwaysReturned() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.generatedKeyAlwaysReturned");
    }

    @Override
    public boolean insertsAreDetected(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.insertsAreDetected");
    }

    @Override
    public boolean isCatalogAtStart() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.isCatalogAtStart");
    }

    @Override
    public boolean isReadOnly() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.isReadOnly");
    }

    @Override
    public boolean locatorsUpdateCopy() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.locatorsUpdateCopy");
    }

    @Override
    public boolean nullPlusNonNullIsNull() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.nullPlusNonNullIsNull");
    }

    @Override
    public boolean nullsAreSortedAtEnd() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.nullsAreSortedAtEnd");
    }

    @Override
    public boolean nullsAreSortedAtStart() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.nullsAreSortedAtStart");
    }

    @Override
    public boolean nullsAreSortedHigh() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.nullsAreSortedHigh");
    }

    @Override
    public boolean nullsAreSortedLow() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.nullsAreSortedLow");
    }

    @Override
    public boolean othersDeletesAreVisible(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.othersDeletesAreVisible");
    }

    @Override
    public boolean othersInsertsAreVisible(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.othersInsertsAreVisible");
    }

    @Override
    public boolean othersUpdatesAreVisible(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.othersUpdatesAreVisible");
    }

    @Override
    public boolean ownDeletesAreVisible(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.ownDeletesAreVisible");
    }

    @Override
    public boolean ownInsertsAreVisible(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.ownInsertsAreVisible");
    }

    @Override
    public boolean ownUpdatesAreVisible(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.ownUpdatesAreVisible");
    }

    @Override
    public boolean storesLowerCaseIdentifiers() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.storesLowerCaseIdentifiers");
    }

    @Override
    public boolean storesLowerCaseQuotedIdentifiers() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.storesLowerCaseQuotedIdentifiers");
    }

    @Override
    public boolean storesMixedCaseIdentifiers() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.storesMixedCaseIdentifiers");
    }

    @Override
    public boolean storesMixedCaseQuotedIdentifiers() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.storesMixedCaseQuotedIdentifiers");
    }

    @Override
    public boolean storesUpperCaseIdentifiers() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.storesUpperCaseIdentifiers");
    }

    @Override
    public boolean storesUpperCaseQuotedIdentifiers() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.storesUpperCaseQuotedIdentifiers");
    }

    @Override
    public boolean supportsANSI92EntryLevelSQL() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsANSI92EntryLevelSQL");
    }

    @Override
    public boolean supportsANSI92FullSQL() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsANSI92FullSQL");
    }

    @Override
    public boolean supportsANSI92IntermediateSQL() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsANSI92IntermediateSQL");
    }

    @Override
    public boolean supportsAlterTableWithAddColumn() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsAlterTableWithAddColumn");
    }

    @Override
    public boolean supportsAlterTableWithDropColumn() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsAlterTableWithDropColumn");
    }

    @Override
    public boolean supportsBatchUpdates() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsBatchUpdates");
    }

    @Override
    public boolean supportsCatalogsInDataManipulation() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsCatalogsInDataManipulation");
    }

    @Override
    public boolean supportsCatalogsInIndexDefinitions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsCatalogsInIndexDefinitions");
    }

    @Override
    public boolean supportsCatalogsInPrivilegeDefinitions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsCatalogsInPrivilegeDefinitions");
    }

    @Override
    public boolean supportsCatalogsInProcedureCalls() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsCatalogsInProcedureCalls");
    }

    @Override
    public boolean supportsCatalogsInTableDefinitions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsCatalogsInTableDefinitions");
    }

    @Override
    public boolean supportsColumnAliasing() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsColumnAliasing");
    }

    @Override
    public boolean supportsConvert() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsConvert");
    }

    @Override
    public boolean supportsConvert(int arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsConvert");
    }

    @Override
    public boolean supportsCoreSQLGrammar() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsCoreSQLGrammar");
    }

    @Override
    public boolean supportsCorrelatedSubqueries() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsCorrelatedSubqueries");
    }

    @Override
    public boolean supportsDataDefinitionAndDataManipulationTransactions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsDataDefinitionAndDataManipulationTransactions");
    }

    @Override
    public boolean supportsDataManipulationTransactionsOnly() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsDataManipulationTransactionsOnly");
    }

    @Override
    public boolean supportsDifferentTableCorrelationNames() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsDifferentTableCorrelationNames");
    }

    @Override
    public boolean supportsExpressionsInOrderBy() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsExpressionsInOrderBy");
    }

    @Override
    public boolean supportsExtendedSQLGrammar() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsExtendedSQLGrammar");
    }

    @Override
    public boolean supportsFullOuterJoins() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsFullOuterJoins");
    }

    @Override
    public boolean supportsGetGeneratedKeys() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsGetGeneratedKeys");
    }

    @Override
    public boolean supportsGroupBy() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsGroupBy");
    }

    @Override
    public boolean supportsGroupByBeyondSelect() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsGroupByBeyondSelect");
    }

    @Override
    public boolean supportsGroupByUnrelated() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsGroupByUnrelated");
    }

    @Override
    public boolean supportsIntegrityEnhancementFacility() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsIntegrityEnhancementFacility");
    }

    @Override
    public boolean supportsLikeEscapeClause() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsLikeEscapeClause");
    }

    @Override
    public boolean supportsLimitedOuterJoins() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsLimitedOuterJoins");
    }

    @Override
    public boolean supportsMinimumSQLGrammar() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsMinimumSQLGrammar");
    }

    @Override
    public boolean supportsMixedCaseIdentifiers() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsMixedCaseIdentifiers");
    }

    @Override
    public boolean supportsMixedCaseQuotedIdentifiers() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsMixedCaseQuotedIdentifiers");
    }

    @Override
    public boolean supportsMultipleOpenResults() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsMultipleOpenResults");
    }

    @Override
    public boolean supportsMultipleResultSets() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsMultipleResultSets");
    }

    @Override
    public boolean supportsMultipleTransactions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsMultipleTransactions");
    }

    @Override
    public boolean supportsNamedParameters() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsNamedParameters");
    }

    @Override
    public boolean supportsNonNullableColumns() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsNonNullableColumns");
    }

    @Override
    public boolean supportsOpenCursorsAcrossCommit() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsOpenCursorsAcrossCommit");
    }

    @Override
    public boolean supportsOpenCursorsAcrossRollback() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsOpenCursorsAcrossRollback");
    }

    @Override
    public boolean supportsOpenStatementsAcrossCommit() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsOpenStatementsAcrossCommit");
    }

    @Override
    public boolean supportsOpenStatementsAcrossRollback() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsOpenStatementsAcrossRollback");
    }

    @Override
    public boolean supportsOrderByUnrelated() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsOrderByUnrelated");
    }

    @Override
    public boolean supportsOuterJoins() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsOuterJoins");
    }

    @Override
    public boolean supportsPositionedDelete() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsPositionedDelete");
    }

    @Override
    public boolean supportsPositionedUpdate() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsPositionedUpdate");
    }

    @Override
    public boolean supportsResultSetConcurrency(int arg0, int arg1) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsResultSetConcurrency");
    }

    @Override
    public boolean supportsResultSetHoldability(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsResultSetHoldability");
    }

    @Override
    public boolean supportsResultSetType(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsResultSetType");
    }

    @Override
    public boolean supportsSavepoints() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSavepoints");
    }

    @Override
    public boolean supportsSchemasInDataManipulation() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSchemasInDataManipulation");
    }

    @Override
    public boolean supportsSchemasInIndexDefinitions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSchemasInIndexDefinitions");
    }

    @Override
    public boolean supportsSchemasInPrivilegeDefinitions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSchemasInPrivilegeDefinitions");
    }

    @Override
    public boolean supportsSchemasInProcedureCalls() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSchemasInProcedureCalls");
    }

    @Override
    public boolean supportsSchemasInTableDefinitions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSchemasInTableDefinitions");
    }

    @Override
    public boolean supportsSelectForUpdate() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSelectForUpdate");
    }

    @Override
    public boolean supportsStatementPooling() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsStatementPooling");
    }

    @Override
    public boolean supportsStoredFunctionsUsingCallSyntax() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsStoredFunctionsUsingCallSyntax");
    }

    @Override
    public boolean supportsStoredProcedures() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsStoredProcedures");
    }

    @Override
    public boolean supportsSubqueriesInComparisons() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSubqueriesInComparisons");
    }

    @Override
    public boolean supportsSubqueriesInExists() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSubqueriesInExists");
    }

    @Override
    public boolean supportsSubqueriesInIns() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSubqueriesInIns");
    }

    @Override
    public boolean supportsSubqueriesInQuantifieds() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsSubqueriesInQuantifieds");
    }

    @Override
    public boolean supportsTableCorrelationNames() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsTableCorrelationNames");
    }

    @Override
    public boolean supportsTransactionIsolationLevel(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsTransactionIsolationLevel");
    }

    @Override
    public boolean supportsTransactions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsTransactions");
    }

    @Override
    public boolean supportsUnion() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsUnion");
    }

    @Override
    public boolean supportsUnionAll() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.supportsUnionAll");
    }

    @Override
    public boolean updatesAreDetected(int arg0) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.updatesAreDetected");
    }

    @Override
    public boolean usesLocalFilePerTable() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.usesLocalFilePerTable");
    }

    @Override
    public boolean usesLocalFiles() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.usesLocalFiles");
    }

    @Override
    public int getDatabaseMajorVersion() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getDatabaseMajorVersion");
    }

    @Override
    public int getDatabaseMinorVersion() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getDatabaseMinorVersion");
    }

    @Override
    public int getDefaultTransactionIsolation() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getDefaultTransactionIsolation");
    }

    @Override
    public int getJDBCMajorVersion() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getJDBCMajorVersion");
    }

    @Override
    public int getJDBCMinorVersion() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getJDBCMinorVersion");
    }

    @Override
    public int getMaxBinaryLiteralLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxBinaryLiteralLength");
    }

    @Override
    public int getMaxCatalogNameLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxCatalogNameLength");
    }

    @Override
    public int getMaxCharLiteralLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxCharLiteralLength");
    }

    @Override
    public int getMaxColumnNameLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxColumnNameLength");
    }

    @Override
    public int getMaxColumnsInGroupBy() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxColumnsInGroupBy");
    }

    @Override
    public int getMaxColumnsInIndex() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxColumnsInIndex");
    }

    @Override
    public int getMaxColumnsInOrderBy() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxColumnsInOrderBy");
    }

    @Override
    public int getMaxColumnsInSelect() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxColumnsInSelect");
    }

    @Override
    public int getMaxColumnsInTable() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxColumnsInTable");
    }

    @Override
    public int getMaxConnections() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxConnections");
    }

    @Override
    public int getMaxCursorNameLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxCursorNameLength");
    }

    @Override
    public int getMaxIndexLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxIndexLength");
    }

    @Override
    public int getMaxProcedureNameLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxProcedureNameLength");
    }

    @Override
    public int getMaxRowSize() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxRowSize");
    }

    @Override
    public int getMaxSchemaNameLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxSchemaNameLength");
    }

    @Override
    public int getMaxStatementLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxStatementLength");
    }

    @Override
    public int getMaxStatements() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxStatements");
    }

    @Override
    public int getMaxTableNameLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxTableNameLength");
    }

    @Override
    public int getMaxTablesInSelect() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxTablesInSelect");
    }

    @Override
    public int getMaxUserNameLength() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getMaxUserNameLength");
    }

    @Override
    public int getResultSetHoldability() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getResultSetHoldability");
    }

    @Override
    public int getSQLStateType() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getSQLStateType");
    }

    @Override
    public String getCatalogSeparator() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getCatalogSeparator");
    }

    @Override
    public String getCatalogTerm() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getCatalogTerm");
    }

    @Override
    public String getDatabaseProductName() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getDatabaseProductName");
    }

    @Override
    public String getDatabaseProductVersion() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getDatabaseProductVersion");
    }

    @Override
    public String getDriverName() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getDriverName");
    }

    @Override
    public String getDriverVersion() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getDriverVersion");
    }

    @Override
    public String getExtraNameCharacters() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getExtraNameCharacters");
    }

    @Override
    public String getIdentifierQuoteString() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getIdentifierQuoteString");
    }

    @Override
    public String getNumericFunctions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getNumericFunctions");
    }

    @Override
    public String getProcedureTerm() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getProcedureTerm");
    }

    @Override
    public String getSQLKeywords() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getSQLKeywords");
    }

    @Override
    public String getSchemaTerm() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getSchemaTerm");
    }

    @Override
    public String getSearchStringEscape() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getSearchStringEscape");
    }

    @Override
    public String getStringFunctions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getStringFunctions");
    }

    @Override
    public String getSystemFunctions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getSystemFunctions");
    }

    @Override
    public String getTimeDateFunctions() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getTimeDateFunctions");
    }

    @Override
    public String getURL() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getURL");
    }

    @Override
    public String getUserName() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getUserName");
    }

    @Override
    public java.sql.Connection getConnection() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getConnection");
    }

    @Override
    public java.sql.ResultSet getAttributes(String arg0, String arg1, String arg2, String arg3) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getAttributes");
    }

    @Override
    public java.sql.ResultSet getBestRowIdentifier(String arg0, String arg1, String arg2, int arg3, boolean arg4) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getBestRowIdentifier");
    }

    @Override
    public java.sql.ResultSet getCatalogs() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getCatalogs");
    }

    @Override
    public java.sql.ResultSet getClientInfoProperties() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getClientInfoProperties");
    }

    @Override
    public java.sql.ResultSet getColumnPrivileges(String arg0, String arg1, String arg2, String arg3) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getColumnPrivileges");
    }

    @Override
    public java.sql.ResultSet getColumns(String arg0, String arg1, String arg2, String arg3) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getColumns");
    }

    @Override
    public java.sql.ResultSet getCrossReference(String arg0, String arg1, String arg2, String arg3, String arg4, String arg5) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getCrossReference");
    }

    @Override
    public java.sql.ResultSet getExportedKeys(String arg0, String arg1, String arg2) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getExportedKeys");
    }

    @Override
    public java.sql.ResultSet getFunctionColumns(String arg0, String arg1, String arg2, String arg3) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getFunctionColumns");
    }

    @Override
    public java.sql.ResultSet getFunctions(String arg0, String arg1, String arg2) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getFunctions");
    }

    @Override
    public java.sql.ResultSet getImportedKeys(String arg0, String arg1, String arg2) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getImportedKeys");
    }

    @Override
    public java.sql.ResultSet getIndexInfo(String arg0, String arg1, String arg2, boolean arg3, boolean arg4) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getIndexInfo");
    }

    @Override
    public java.sql.ResultSet getPrimaryKeys(String arg0, String arg1, String arg2) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getPrimaryKeys");
    }

    @Override
    public java.sql.ResultSet getProcedureColumns(String arg0, String arg1, String arg2, String arg3) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getProcedureColumns");
    }

    @Override
    public java.sql.ResultSet getProcedures(String arg0, String arg1, String arg2) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getProcedures");
    }

    @Override
    public java.sql.ResultSet getPseudoColumns(String arg0, String arg1, String arg2, String arg3) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getPseudoColumns");
    }

    @Override
    public java.sql.ResultSet getSchemas() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getSchemas");
    }

    @Override
    public java.sql.ResultSet getSchemas(String arg0, String arg1) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getSchemas");
    }

    @Override
    public java.sql.ResultSet getSuperTables(String arg0, String arg1, String arg2) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getSuperTables");
    }

    @Override
    public java.sql.ResultSet getSuperTypes(String arg0, String arg1, String arg2) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getSuperTypes");
    }

    @Override
    public java.sql.ResultSet getTablePrivileges(String arg0, String arg1, String arg2) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getTablePrivileges");
    }

    @Override
    public java.sql.ResultSet getTableTypes() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getTableTypes");
    }

    @Override
    public java.sql.ResultSet getTables(String arg0, String arg1, String arg2, String[] arg3) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getTables");
    }

    @Override
    public java.sql.ResultSet getTypeInfo() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getTypeInfo");
    }

    @Override
    public java.sql.ResultSet getUDTs(String arg0, String arg1, String arg2, int[] arg3) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getUDTs");
    }

    @Override
    public java.sql.ResultSet getVersionColumns(String arg0, String arg1, String arg2) throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getVersionColumns");
    }

    @Override
    public java.sql.RowIdLifetime getRowIdLifetime() throws java.sql.SQLException {
        throw Errors.notSupported("DatabaseMetaData.getRowIdLifetime");
    }
}
