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
}
