package io.twisterlab.agents.database;

import java.util.Locale;

/** The databases whose read-only enforcement differs. */
enum Dialect {
    H2,
    POSTGRESQL,
    OTHER;

    static Dialect of(String productName) {
        String name = productName.toLowerCase(Locale.ROOT);
        if (name.equals("h2")) {
            return H2;
        }
        if (name.contains("postgresql")) {
            return POSTGRESQL;
        }
        return OTHER;
    }

    /** How read-only is enforced, as {@code db_health} reports it. */
    String readOnlyEnforcement(boolean nonAdminQueryUser) {
        return switch (this) {
            case POSTGRESQL -> "lexical check + SET TRANSACTION READ ONLY + rollback + advisory locks released";
            case H2 -> (nonAdminQueryUser ? "non-admin query user + " : "")
                    + "lexical check + H2 parser read-only check + rollback";
            case OTHER -> "lexical check + read-only connection + rollback";
        };
    }
}
