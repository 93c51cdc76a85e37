/**
 * The parsed form of SQL: {@link io.conclave.sql.ast.Statement} and
 * {@link io.conclave.sql.ast.Expr}, sealed interfaces of records. Names are already lower-cased
 * (unless quoted). Records compare structurally, which the planner relies on to match a SELECT
 * expression with a GROUP BY expression and to de-duplicate aggregate calls; adding a field that
 * is not part of the meaning (a source position, say) would break that matching.
 */
package io.conclave.sql.ast;
