package io.twisterlab.agents.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A conservative lexical check run before any SQL reaches the database. It strips comments, string literals,
 * quoted identifiers and dollar-quoted bodies, then requires exactly one statement that starts with
 * {@code SELECT}, {@code WITH}, {@code VALUES}, {@code TABLE}, {@code EXPLAIN} or {@code SHOW}, contains no
 * data-modifying keyword anywhere (so {@code WITH d AS (DELETE ...) SELECT ...} is refused) and calls none of the
 * functions that act outside the transaction (file access, killing sessions, changing settings). It refuses what
 * it cannot lex with certainty (unterminated literals, nested block comments, tagged dollar quotes outside
 * PostgreSQL). For databases other than H2 and PostgreSQL the statement must pass whether or not backslashes
 * escape quotes. It is one layer: the database's own read-only checks and the final rollback are the others.
 */
final class SqlGuard {
    private static final Set<String> FIRST_WORDS = Set.of("SELECT", "WITH", "VALUES", "TABLE", "EXPLAIN", "SHOW");
    private static final Set<String> WRITE_WORDS = Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "INTO",
            "TRUNCATE", "DROP", "ALTER", "CREATE", "GRANT", "REVOKE");
    private static final Set<String> FORBIDDEN_FUNCTIONS = Set.of(
            // H2: file system access, linked databases, other sessions
            "FILE_WRITE", "FILE_READ", "CSVWRITE", "CSVREAD", "LINK_SCHEMA", "CANCEL_SESSION", "ABORT_SESSION",
            // PostgreSQL: other backends, server files, configuration, advisory locks, remote databases
            "PG_TERMINATE_BACKEND", "PG_CANCEL_BACKEND", "PG_RELOAD_CONF", "PG_ROTATE_LOGFILE", "PG_READ_FILE",
            "PG_READ_BINARY_FILE", "PG_LS_DIR", "PG_STAT_FILE", "LO_IMPORT", "LO_EXPORT", "SET_CONFIG",
            "PG_ADVISORY_LOCK", "PG_ADVISORY_LOCK_SHARED", "PG_TRY_ADVISORY_LOCK", "PG_ADVISORY_XACT_LOCK",
            "PG_SWITCH_WAL", "PG_CREATE_RESTORE_POINT", "PG_PROMOTE", "PG_LOGICAL_EMIT_MESSAGE", "DBLINK",
            "DBLINK_EXEC", "DBLINK_CONNECT", "PG_SLEEP_FOR_UPDATE");

    /**
     * A refusal.
     *
     * @param code    {@code empty_statement}, {@code multiple_statements}, {@code read_only_violation},
     *                {@code forbidden_function} or {@code unsupported_sql}
     * @param message why, for the caller
     */
    record Refusal(String code, String message) {
    }

    private SqlGuard() {
    }

    /** Empty when the statement may be sent to the database. */
    static Optional<Refusal> check(String sql, Dialect dialect) {
        Optional<Refusal> refusal = check(sql, dialect == Dialect.POSTGRESQL, false);
        if (refusal.isEmpty() && dialect == Dialect.OTHER) {
            // Unknown databases may treat backslash as an escape in every string (MySQL does): the statement must
            // pass under both readings.
            refusal = check(sql, false, true);
        }
        return refusal;
    }

    private static Optional<Refusal> check(String sql, boolean postgres, boolean backslashEscapes) {
        Lexed lexed;
        try {
            lexed = lex(sql, postgres, backslashEscapes);
        } catch (IllegalArgumentException e) {
            return Optional.of(new Refusal("unsupported_sql", e.getMessage()));
        }
        if (lexed.words.isEmpty()) {
            return Optional.of(new Refusal("empty_statement", "The SQL contains no statement"));
        }
        if (lexed.statementAfterSemicolon) {
            return Optional.of(new Refusal("multiple_statements", "Only one statement may be executed per call"));
        }
        String first = lexed.words.get(0);
        if (!FIRST_WORDS.contains(first)) {
            return Optional.of(new Refusal("read_only_violation", "Only read-only statements (SELECT, WITH, "
                    + "VALUES, TABLE, EXPLAIN, SHOW) are allowed, not " + first));
        }
        for (String word : lexed.words) {
            if (WRITE_WORDS.contains(word)) {
                return Optional.of(new Refusal("read_only_violation", "The statement contains " + word
                        + ": data-modifying statements are not allowed, including inside WITH"));
            }
            if (FORBIDDEN_FUNCTIONS.contains(word)) {
                return Optional.of(new Refusal("forbidden_function", "The function " + word
                        + " is not allowed: it acts outside the read-only transaction"));
            }
        }
        return Optional.empty();
    }

    private record Lexed(List<String> words, boolean statementAfterSemicolon) {
    }

    /** Unquoted words, upper-cased, in order; quoted identifiers and literals are dropped. */
    private static Lexed lex(String sql, boolean postgres, boolean backslashEscapesEverywhere) {
        List<String> words = new ArrayList<>();
        boolean afterSemicolon = false;
        boolean statementAfterSemicolon = false;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
            if (c == '-' && next == '-') {
                int end = i + 2;
                while (end < n && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
                    end++;
                }
                i = end;
            } else if (c == '/' && next == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("Unterminated block comment");
                }
                if (sql.substring(i + 2, end).contains("/*")) {
                    throw new IllegalArgumentException("Nested block comments are not accepted");
                }
                i = end + 2;
            } else if (c == '\'') {
                boolean escapeString = postgres && i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isWordPart(sql.charAt(i - 2)));
                boolean backslashEscapes = backslashEscapesEverywhere || escapeString;
                i = skipQuoted(sql, i, '\'', backslashEscapes);
                statementAfterSemicolon |= afterSemicolon;
            } else if (c == '"') {
                i = skipQuoted(sql, i, '"', false);
                statementAfterSemicolon |= afterSemicolon;
            } else if (c == '$' && (next == '$' || Character.isLetter(next) || next == '_')
                    && (i == 0 || !isWordPart(sql.charAt(i - 1)))) {
                int tagEnd = sql.indexOf('$', i + 1);
                String tag = tagEnd < 0 ? "" : sql.substring(i, tagEnd + 1);
                if (tagEnd < 0 || !tag.substring(1, tag.length() - 1).chars().allMatch(ch -> isWordPart((char) ch))) {
                    throw new IllegalArgumentException("Malformed dollar-quoted string");
                }
                if (!postgres && !tag.equals("$$")) {
                    throw new IllegalArgumentException("Tagged dollar-quoted strings are accepted on PostgreSQL only");
                }
                int end = sql.indexOf(tag, tagEnd + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("Unterminated dollar-quoted string");
                }
                i = end + tag.length();
                statementAfterSemicolon |= afterSemicolon;
            } else if (c == ';') {
                afterSemicolon = true;
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && isWordPart(sql.charAt(i))) {
                    i++;
                }
                words.add(sql.substring(start, i).toUpperCase(Locale.ROOT));
                statementAfterSemicolon |= afterSemicolon;
            } else {
                if (!Character.isWhitespace(c)) {
                    statementAfterSemicolon |= afterSemicolon;
                }
                i++;
            }
        }
        return new Lexed(words, statementAfterSemicolon);
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** Index just after the closing quote; a doubled quote is an escaped quote. */
    private static int skipQuoted(String sql, int open, char quote, boolean backslashEscapes) {
        int i = open + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("Unterminated " + (quote == '"' ? "quoted identifier" : "string literal"));
    }
}
