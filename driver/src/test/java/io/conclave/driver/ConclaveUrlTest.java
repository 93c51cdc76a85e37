package io.conclave.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConclaveUrlTest {
    @Test
    void parsesHostsAndOptions() {
        ConclaveUrl u = ConclaveUrl.parse("jdbc:conclave://h1:26257,10.0.0.2:1,[::1]:9/db?commit_wait=off&application_name=a%20b");
        assertEquals(List.of(new ConclaveUrl.HostPort("h1", 26257), new ConclaveUrl.HostPort("10.0.0.2", 1),
                new ConclaveUrl.HostPort("::1", 9)), u.hosts());
        assertEquals(Map.of("commit_wait", "off", "application_name", "a b"), u.options());
        assertEquals("[::1]:9", u.hosts().get(2).toString());
        assertEquals(1, ConclaveUrl.parse("conclave://h:1").hosts().size());
    }

    @Test
    void refusesBadUrls() {
        for (String bad : List.of("jdbc:postgresql://h:1", "jdbc:conclave://", "jdbc:conclave://h", "jdbc:conclave://h:x",
                "jdbc:conclave://h:0", "jdbc:conclave://h:1,,h:2", "jdbc:conclave://h:1?nope=1")) {
            assertThrows(IllegalArgumentException.class, () -> ConclaveUrl.parse(bad), bad);
        }
    }

    @Test
    void driverIsFoundByDriverManagerAndIgnoresOtherUrls() throws SQLException {
        Driver d = DriverManager.getDriver("jdbc:conclave://127.0.0.1:1");
        assertTrue(d instanceof ConclaveDriver);
        assertFalse(d.acceptsURL("jdbc:h2:mem:"));
        assertNull(d.connect("jdbc:h2:mem:", new Properties()));
    }

    @Test
    void unreachableHostsFailWith08001NamingEachHost() throws Exception {
        int dead1;
        int dead2;
        try (var s1 = new java.net.ServerSocket(0); var s2 = new java.net.ServerSocket(0)) {
            dead1 = s1.getLocalPort();
            dead2 = s2.getLocalPort();
        }
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = DriverManager.getConnection("jdbc:conclave://127.0.0.1:" + dead1 + ",127.0.0.1:" + dead2)) {
                c.createStatement();
            }
        });
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().contains(":" + dead1) && e.getMessage().contains(":" + dead2), e.getMessage());
    }

    @Test
    void loadBalanceHostsRandomTriesTheHostsInARandomOrder() throws Exception {
        List<Integer> dead = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (var s = new java.net.ServerSocket(0)) {
                dead.add(s.getLocalPort());
            }
        }
        String hosts = "127.0.0.1:" + dead.get(0) + ",127.0.0.1:" + dead.get(1) + ",127.0.0.1:" + dead.get(2);
        java.util.Set<Integer> firstTried = new java.util.HashSet<>();
        for (int i = 0; i < 60; i++) firstTried.add(firstTried("jdbc:conclave://" + hosts + "?load_balance_hosts=random", dead));
        assertEquals(java.util.Set.copyOf(dead), firstTried, "every host is tried first by some connection");
        for (int i = 0; i < 5; i++) {
            assertEquals(dead.get(0), firstTried("jdbc:conclave://" + hosts, dead), "by default, the URL's order");
            assertEquals(dead.get(0), firstTried("jdbc:conclave://" + hosts + "?load_balance_hosts=disable", dead));
        }
        SQLException bad = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:conclave://" + hosts + "?load_balance_hosts=yes"));
        assertEquals("08001", bad.getSQLState());
        assertTrue(bad.getMessage().contains("load_balance_hosts must be disable or random, was 'yes'"), bad.getMessage());
    }

    /** Which of the refusing {@code ports} a failed connect tried first: its error names them in order. */
    private static int firstTried(String url, List<Integer> ports) {
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url));
        assertEquals("08001", e.getSQLState(), e.getMessage());
        int first = -1;
        int at = Integer.MAX_VALUE;
        for (int port : ports) {
            int i = e.getMessage().indexOf("127.0.0.1:" + port + ":");
            assertTrue(i >= 0, e.getMessage());
            if (i < at) {
                at = i;
                first = port;
            }
        }
        return first;
    }
}
