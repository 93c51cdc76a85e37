/**
 * The SQL grammar ({@code Sql.g4}, ANTLR 4.13) and the builder that turns its parse tree into
 * {@link io.conclave.sql.ast} records.
 *
 * <h2>Design</h2>
 * Expressions are a ladder of rules, lowest precedence first (OR, AND, NOT, IS, comparison,
 * BETWEEN/IN/LIKE, ||, + -, * / %, unary, ::), instead of one left-recursive rule: BETWEEN's
 * inner AND and NOT's binding are then unambiguous by construction. Keywords are
 * case-insensitive; a list of non-reserved keywords may still be used as names.
 *
 * <h2>Errors and limits</h2>
 * ANTLR's default listeners are removed: the first syntax error becomes a 42601 naming line,
 * 1-based column and the offending token, and ANTLR's recovery never produces a half-parsed
 * statement. Statements above {@link io.conclave.sql.parser.StatementParser#MAX_STATEMENT_BYTES}
 * are refused with 54000 before lexing.
 *
 * <h2>Hazards</h2>
 * An identifier after a table name is an alias ({@code FROM t x}), so a misspelt keyword there
 * is reported at the token after it. {@code -9223372036854775808} is folded in the builder
 * because its magnitude does not fit an INT.
 */
package io.conclave.sql.parser;
