package io.twisterlab.agents.database;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.h2.api.ErrorCode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Least privilege on an embedded H2 database. An admin connection, opened with the configured URL and account,
 * creates a non-admin user with a random password and {@code GRANT SELECT ON SCHEMA} on every schema; the query
 * pool connects as that user, so H2 itself refuses the admin-only features (FILE_READ, FILE_WRITE, CSVREAD,
 * CSVWRITE, LINK_SCHEMA, CREATE ALIAS, SCRIPT, RUNSCRIPT, CANCEL_SESSION, SET of database settings...). The admin
 * connection never runs a caller's SQL; it is kept open to keep the database open and to re-create it: when H2
 * closes the database (out of memory, a corrupted file), {@link #reopen()} opens it again (an in-memory database
 * comes back empty, its URL's INIT script re-run) and re-creates the user.
 *
 * <p>The query URL is the database part of the configured URL with {@code IFEXISTS=TRUE} and no other settings:
 * per-connection settings are admin-only in H2, and a non-admin user must never create a database of its own.
 */
final class EmbeddedH2 implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedH2.class);
    private static final Set<Integer> CLOSED = Set.of(ErrorCode.DATABASE_IS_CLOSED, ErrorCode.OUT_OF_MEMORY,
            ErrorCode.DATABASE_CALLED_AT_SHUTDOWN, ErrorCode.DATABASE_NOT_FOUND_WITH_IF_EXISTS_1,
            ErrorCode.DATABASE_NOT_FOUND_1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String url;
    private final String adminUser;
    private final String adminPassword;
    private final String queryUser;
    private final String queryPassword;
    private @Nullable Connection admin;
    private boolean leastPrivilege;

    EmbeddedH2(String url, String adminUser, String adminPassword) {
        this.url = url;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        this.queryUser = "TWISTERLAB_QUERY_" + HexFormat.of().formatHex(randomBytes(6)).toUpperCase(Locale.ROOT);
        this.queryPassword = HexFormat.of().formatHex(randomBytes(24));
    }

    /** An in-process H2 URL ({@code mem:}, {@code file:} or a path), not a TCP or SSL one. */
    static boolean isEmbedded(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:tcp:") && !lower.startsWith("jdbc:h2:ssl:");
    }

    /** Whether the error says H2 closed the database (directly or as the cause of a pool error). */
    static boolean isClosed(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && CLOSED.contains(e.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    /** Opens the database as admin and creates the query user; false if the configured account is not an admin. */
    synchronized boolean open() throws SQLException {
        Connection connection = DriverManager.getConnection(url, adminUser, adminPassword);
        admin = connection;
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE USER IF NOT EXISTS " + queryUser + " PASSWORD '" + queryPassword + "'");
            for (String schema : schemas(s)) {
                s.execute("GRANT SELECT ON SCHEMA \"" + schema.replace("\"", "\"\"") + "\" TO " + queryUser);
            }
            leastPrivilege = true;
        } catch (SQLException e) {
            if (e.getErrorCode() != ErrorCode.ADMIN_RIGHTS_REQUIRED) {
                throw e;
            }
            LOG.warn("database: the configured H2 account is not an admin, so queries run as that account");
            leastPrivilege = false;
        }
        return leastPrivilege;
    }

    private static List<String> schemas(Statement s) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA "
                + "WHERE SCHEMA_NAME <> 'INFORMATION_SCHEMA'")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        return schemas;
    }

    /** Opens the database again unless another caller already did; true if it is open afterwards. */
    synchronized boolean reopen() {
        Connection current = admin;
        try {
            if (current != null && current.isValid(1)) {
                return true;
            }
            closeAdmin();
            open();
            LOG.warn("database: the embedded H2 database had closed and was re-opened");
            return true;
        } catch (SQLException e) {
            LOG.warn("database: re-opening the embedded H2 database failed: {}", e.getMessage());
            return false;
        }
    }

    /** Whether queries run as the non-admin user. */
    synchronized boolean leastPrivilege() {
        return leastPrivilege;
    }

    /** The URL the query pool connects with. */
    synchronized String queryUrl() {
        if (!leastPrivilege) {
            return url;
        }
        int settings = url.indexOf(';');
        return (settings < 0 ? url : url.substring(0, settings)) + ";IFEXISTS=TRUE";
    }

    /** The account of the query pool: the non-admin user, or the configured one if it could not be created. */
    synchronized String queryUser() {
        return leastPrivilege ? queryUser : adminUser;
    }

    synchronized String queryPassword() {
        return leastPrivilege ? queryPassword : adminPassword;
    }

    @Override
    public synchronized void close() {
        Connection current = admin;
        if (current != null && leastPrivilege) {
            try (Statement s = current.createStatement()) {
                s.execute("DROP USER IF EXISTS " + queryUser);
            } catch (SQLException e) {
                LOG.debug("database: dropping the query user failed: {}", e.getMessage());
            }
        }
        closeAdmin();
    }

    private void closeAdmin() {
        Connection current = admin;
        admin = null;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException e) {
                LOG.debug("database: closing the admin connection failed: {}", e.getMessage());
            }
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
