/**
 * Certificates and the TLS contexts built from them: what {@code conclave cert} writes and what
 * a secure node, and every client of one, loads.
 *
 * <p><b>Trust.</b> A cluster has one certificate authority ({@code ca.crt}, {@code ca.key}). Its
 * key signs one node certificate ({@code node.crt}, common name {@code node}, the hosts as
 * subject alternative names) shared by every node, and one client certificate per user
 * ({@code client.USER.crt}, common name {@code USER}). A TLS peer is trusted when its chain ends
 * at {@code ca.crt}; the common name then says who it is. Node-to-node and KV/admin connections
 * must present a certificate named {@code node} or {@code root}; SQL clients may present one
 * (the user is its common name) or give a password instead. Host names are not checked against
 * the certificate: the cluster CA, not DNS, is the root of trust, as in CockroachDB's node
 * certificates.
 *
 * <p><b>Files.</b> Certificates are PEM X.509; keys are unencrypted PKCS#8 PEM, written with
 * owner-only permissions. Keys are ECDSA P-256: quick to generate, and every JDK TLS stack
 * speaks them. Building certificates needs BouncyCastle (the JDK has no public X.509 builder);
 * reading them and TLS itself use only the JDK, so the JDBC driver does not depend on it.
 *
 * <p><b>Hazards.</b> {@code ca.key} can mint any identity, root included: keep it off the nodes
 * once they have their certificates. A node certificate is also accepted as a client (the nodes
 * use it for their own KV traffic), so whoever holds {@code node.key} holds the cluster.
 * Certificates are not revoked; rotate the CA to expel a key.
 */
package io.conclave.node.security;
