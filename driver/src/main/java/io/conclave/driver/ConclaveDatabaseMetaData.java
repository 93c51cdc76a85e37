package io.conclave.driver;

import io.conclave.driver.proto.ColumnInfo;
import io.conclave.driver.proto.Result;
import io.conclave.driver.proto.Row;
import io.conclave.driver.proto.SqlValue;
import io.conclave.driver.proto.TypeFamily;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Enough metadata for a generic tool to list tables and their columns, and honest answers about
 * transactions; everything else throws 0A000. Tables come from {@code SHOW TABLES}; a table's
 * columns from the description of {@code SELECT * FROM t LIMIT 0}, which names and types them but
 * does not say whether they are nullable (reported as unknown).
 */
final class ConclaveDatabaseMetaData extends UnsupportedDatabaseMetaData {
    private final ConclaveConnection connection;

    ConclaveDatabaseMetaData(ConclaveConnection connection) {
        this.connection = connection;
    }

    @Override
    public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern, String[] types)
            throws SQLException {
        List<String> names = new ArrayList<>();
        boolean wantTables = types == null || List.of(types).contains("TABLE");
        if (wantTables) {
            Pattern p = likePattern(tableNamePattern);
            Result shown = connection.execute("SHOW TABLES");
            for (Row r : shown.getRowsList()) {
                String name = ConclaveResultSet.text(r.getValues(0));
                if (name != null && p.matcher(name).matches()) names.add(name);
            }
        }
        Result.Builder out = Result.newBuilder();
        for (String c : List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS", "TYPE_CAT",
                "TYPE_SCHEM", "TYPE_NAME", "SELF_REFERENCING_COL_NAME", "REF_GENERATION")) {
            out.addColumns(stringColumn(c));
        }
        for (String name : names) {
            out.addRows(row(nul(), nul(), str(name), str("TABLE"), str(""), nul(), nul(), nul(), nul(), nul()));
        }
        return result(out);
    }

    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern)
            throws SQLException {
        Pattern columnPattern = likePattern(columnNamePattern);
        Result.Builder out = Result.newBuilder();
        String[] names = {"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME",
            "COLUMN_SIZE", "BUFFER_LENGTH", "DECIMAL_DIGITS", "NUM_PREC_RADIX", "NULLABLE", "REMARKS", "COLUMN_DEF",
            "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE",
            "SCOPE_CATALOG", "SCOPE_SCHEMA", "SCOPE_TABLE", "SOURCE_DATA_TYPE", "IS_AUTOINCREMENT",
            "IS_GENERATEDCOLUMN"};
        for (String n : names) {
            boolean numeric = List.of("DATA_TYPE", "COLUMN_SIZE", "BUFFER_LENGTH", "DECIMAL_DIGITS", "NUM_PREC_RADIX",
                    "NULLABLE", "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION",
                    "SOURCE_DATA_TYPE").contains(n);
            out.addColumns(numeric ? intColumn(n) : stringColumn(n));
        }
        try (ResultSet tables = getTables(catalog, schemaPattern, tableNamePattern, null)) {
            while (tables.next()) {
                String table = tables.getString("TABLE_NAME");
                Result probe = connection.execute("SELECT * FROM " + quoteIdentifier(table) + " LIMIT 0");
                int position = 0;
                for (ColumnInfo col : probe.getColumnsList()) {
                    position++;
                    if (!columnPattern.matcher(col.getName()).matches()) continue;
                    ConclaveResultSetMetaData md = new ConclaveResultSetMetaData(List.of(col));
                    out.addRows(row(nul(), nul(), str(table), str(col.getName()),
                            num(ConclaveResultSetMetaData.jdbcType(col.getFamily())), str(col.getTypeName()),
                            num(md.getPrecision(1)), nul(), num(col.getScale()), num(10),
                            num(columnNullableUnknown), str(""), nul(), nul(), nul(), nul(), num(position), str(""),
                            nul(), nul(), nul(), nul(), str("NO"), str("NO")));
                }
            }
        }
        return result(out);
    }

    @Override
    public ResultSet getTableTypes() {
        return result(Result.newBuilder().addColumns(stringColumn("TABLE_TYPE")).addRows(row(str("TABLE"))));
    }

    @Override
    public ResultSet getSchemas() {
        return result(Result.newBuilder().addColumns(stringColumn("TABLE_SCHEM")).addColumns(stringColumn("TABLE_CATALOG")));
    }

    @Override
    public ResultSet getCatalogs() {
        return result(Result.newBuilder().addColumns(stringColumn("TABLE_CAT")));
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A JDBC search pattern (% and _; null matches all) as a regular expression. */
    static Pattern likePattern(String pattern) {
        if (pattern == null) return Pattern.compile(".*", Pattern.DOTALL);
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '%') re.append(".*");
            else if (c == '_') re.append('.');
            else re.append(Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    private static ResultSet result(Result.Builder b) {
        return new ConclaveResultSet(null, b.setRowCount(b.getRowsCount()).build(), 0);
    }

    private static ColumnInfo stringColumn(String name) {
        return ColumnInfo.newBuilder().setName(name).setFamily(TypeFamily.STRING).setTypeName("STRING").build();
    }

    private static ColumnInfo intColumn(String name) {
        return ColumnInfo.newBuilder().setName(name).setFamily(TypeFamily.INT).setTypeName("INT8").build();
    }

    private static Row row(SqlValue... values) {
        return Row.newBuilder().addAllValues(List.of(values)).build();
    }

    private static SqlValue str(String s) {
        return SqlValue.newBuilder().setStringValue(s).build();
    }

    private static SqlValue num(long n) {
        return SqlValue.newBuilder().setIntValue(n).build();
    }

    private static SqlValue nul() {
        return SqlValue.newBuilder().setNull(true).build();
    }

    // ---- about the product and its transactions ----

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public String getURL() {
        return connection.url();
    }

    @Override
    public String getUserName() {
        return connection.user();
    }

    @Override
    public String getDatabaseProductName() {
        return "Conclave";
    }

    @Override
    public String getDatabaseProductVersion() {
        return "0.1.0-SNAPSHOT";
    }

    @Override
    public int getDatabaseMajorVersion() {
        return 0;
    }

    @Override
    public int getDatabaseMinorVersion() {
        return 1;
    }

    @Override
    public String getDriverName() {
        return "Conclave JDBC driver";
    }

    @Override
    public String getDriverVersion() {
        return ConclaveDriver.MAJOR_VERSION + "." + ConclaveDriver.MINOR_VERSION;
    }

    @Override
    public int getDriverMajorVersion() {
        return ConclaveDriver.MAJOR_VERSION;
    }

    @Override
    public int getDriverMinorVersion() {
        return ConclaveDriver.MINOR_VERSION;
    }

    @Override
    public int getJDBCMajorVersion() {
        return 4;
    }

    @Override
    public int getJDBCMinorVersion() {
        return 2;
    }

    @Override
    public String getIdentifierQuoteString() {
        return "\"";
    }

    @Override
    public String getSearchStringEscape() {
        return "\\";
    }

    @Override
    public String getCatalogTerm() {
        return "database";
    }

    @Override
    public String getSchemaTerm() {
        return "schema";
    }

    @Override
    public String getSQLKeywords() {
        return "SPLIT,UPSERT,RANGES,EXPLAIN,ANALYZE";
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public boolean supportsTransactions() {
        return true;
    }

    @Override
    public int getDefaultTransactionIsolation() {
        return Connection.TRANSACTION_SERIALIZABLE;
    }

    @Override
    public boolean supportsTransactionIsolationLevel(int level) {
        return level == Connection.TRANSACTION_SERIALIZABLE;
    }

    @Override
    public boolean supportsBatchUpdates() {
        return true;
    }

    @Override
    public boolean supportsResultSetType(int type) {
        return type == ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public boolean supportsResultSetConcurrency(int type, int concurrency) {
        return type == ResultSet.TYPE_FORWARD_ONLY && concurrency == ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public boolean supportsGetGeneratedKeys() {
        return false;
    }

    @Override
    public boolean supportsSavepoints() {
        return false;
    }

    @Override
    public boolean supportsMultipleResultSets() {
        return false;
    }

    @Override
    public boolean supportsStoredProcedures() {
        return false;
    }

    @Override
    public boolean supportsSchemasInTableDefinitions() {
        return false;
    }

    @Override
    public boolean supportsCatalogsInTableDefinitions() {
        return false;
    }

    @Override
    public boolean storesLowerCaseIdentifiers() {
        return true;
    }

    @Override
    public boolean storesUpperCaseIdentifiers() {
        return false;
    }

    @Override
    public boolean storesMixedCaseIdentifiers() {
        return false;
    }

    @Override
    public boolean supportsMixedCaseQuotedIdentifiers() {
        return true;
    }

    @Override
    public boolean nullsAreSortedLow() {
        return true;
    }

    @Override
    public boolean nullsAreSortedHigh() {
        return false;
    }

    @Override
    public boolean nullsAreSortedAtStart() {
        return false;
    }

    @Override
    public boolean nullsAreSortedAtEnd() {
        return false;
    }

    @Override
    public int getMaxStatementLength() {
        return 1 << 20;
    }
}
