/**
 * The SQL front end: parses statements, keeps the catalog in the keyspace, encodes rows and
 * index entries as order-preserving keys, plans spans and executes them in transactions.
 */
package io.conclave.sql;
