package io.conclave.node.sql;

import io.conclave.driver.proto.StartSession;
import io.conclave.node.transport.TransportTls;
import io.conclave.sql.SqlEngine;
import io.netty.channel.Channel;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who a secure node's SQL client is. A client certificate (verified against the cluster CA by the
 * TLS handshake) names its user; otherwise the user named in StartSession must give its password.
 * A certificate and a different user name is refused rather than guessed at; a user without a
 * name is the certificate's, or root. Runs on a worker thread: a password check costs a slow hash.
 */
record Authentication(String user, Optional<String> certificateUser, String password) {
    /** SQLSTATE invalid_authorization_specification. */
    static final String INVALID_AUTHORIZATION = "28000";
    /** SQLSTATE invalid_password. */
    static final String INVALID_PASSWORD = "28P01";

    static Authentication of(StartSession start, Channel channel) {
        Optional<String> certificate;
        try {
            certificate = TransportTls.peerCommonName(channel);
        } catch (SSLPeerUnverifiedException noCertificate) {
            certificate = Optional.empty();
        }
        String user = !start.getUser().isEmpty() ? start.getUser() : certificate.orElse("root");
        return new Authentication(user, certificate, start.getPassword());
    }

    /** Null if the client is who it says, else why not (the same words for a wrong password and an unknown user). */
    String refusal(SqlEngine engine) {
        if (certificateUser.isPresent() && certificateUser.get().equals(user)) {
            return engine.userExists(user) ? null : "user " + user + " does not exist";
        }
        if (certificateUser.isPresent() && password.isEmpty()) {
            return "the client certificate names user " + certificateUser.get() + ", not " + user;
        }
        if (password.isEmpty()) {
            return "user " + user + " must present a client certificate or a password";
        }
        return engine.authenticate(user, password) ? null : "password authentication failed for user " + user;
    }

    String sqlState() {
        return password.isEmpty() ? INVALID_AUTHORIZATION : INVALID_PASSWORD;
    }

    @Override
    public String toString() {
        return "Authentication[user=" + user + ", certificate=" + certificateUser + "]"; // never the password
    }
}
