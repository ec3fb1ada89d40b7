package io.twisterlab.agents.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A conservative lexical check run before any SQL reaches the database. It strips comments ({@code --},
 * {@code /* *}{@code /} and, on H2, {@code //}), string literals, quoted identifiers and dollar-quoted bodies, then
 * requires exactly one statement that starts with {@code SELECT}, {@code WITH}, {@code VALUES}, {@code TABLE},
 * {@code EXPLAIN} or {@code SHOW}, contains no data-modifying keyword anywhere (so
 * {@code WITH d AS (DELETE ...) SELECT ...} is refused) and calls none of the functions that act outside the
 * transaction (file access, killing sessions, advisory locks, SQL hidden in strings, changing settings) &mdash;
 * whether the name is written plainly, quoted ({@code "FILE_READ"(}) or schema-qualified
 * ({@code pg_catalog.pg_advisory_lock(}). It refuses what it cannot lex with certainty (unterminated literals,
 * nested block comments, tagged dollar quotes outside PostgreSQL, backquotes, Unicode-escaped identifiers,
 * parentheses nested deeper than {@value #MAX_NESTING}, which would otherwise overflow a recursive-descent
 * parser's stack). For databases other than H2 and PostgreSQL the statement must pass whether or not backslashes
 * escape quotes, and {@code //} and {@code #} are refused. It is one layer: the database account's own rights,
 * the database's read-only checks and the final rollback are the others.
 */
final class SqlGuard {
    /** The deepest parenthesis nesting accepted. */
    static final int MAX_NESTING = 64;
    private static final Set<String> FIRST_WORDS = Set.of("SELECT", "WITH", "VALUES", "TABLE", "EXPLAIN", "SHOW");
    private static final Set<String> WRITE_WORDS = Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "INTO",
            "TRUNCATE", "DROP", "ALTER", "CREATE", "GRANT", "REVOKE");
    /** Refused wherever they appear as a word or in call position. */
    private static final Set<String> FORBIDDEN_FUNCTIONS = Set.of(
            // H2: file system access, linked databases, other sessions
            "FILE_WRITE", "FILE_READ", "CSVWRITE", "CSVREAD", "LINK_SCHEMA", "CANCEL_SESSION", "ABORT_SESSION",
            // PostgreSQL: other backends, server files, configuration, advisory locks, remote databases
            "PG_TERMINATE_BACKEND", "PG_CANCEL_BACKEND", "PG_RELOAD_CONF", "PG_ROTATE_LOGFILE", "PG_STAT_FILE",
            "LO_IMPORT", "LO_EXPORT", "SET_CONFIG", "PG_SWITCH_WAL", "PG_CREATE_RESTORE_POINT", "PG_PROMOTE",
            "PG_LOGICAL_EMIT_MESSAGE", "PG_NOTIFY", "PG_IMPORT_SYSTEM_COLLATIONS", "PG_FILE_WRITE",
            "PG_FILE_RENAME", "PG_FILE_UNLINK", "PG_SLEEP_FOR_UPDATE",
            // PostgreSQL: SQL text run from inside a string, out of the guard's sight
            "QUERY_TO_XML", "QUERY_TO_XMLSCHEMA", "QUERY_TO_XML_AND_XMLSCHEMA", "CURSOR_TO_XML",
            "CURSOR_TO_XMLSCHEMA", "TABLE_TO_XML", "TABLE_TO_XMLSCHEMA", "TABLE_TO_XML_AND_XMLSCHEMA");
    /** Function families refused when a name with one of these prefixes is called. */
    private static final List<String> FORBIDDEN_PREFIXES = List.of("FILE_", "CSV", "PG_ADVISORY_",
            "PG_TRY_ADVISORY_", "PG_READ_", "PG_LS_", "LO_", "DBLINK", "PG_STAT_RESET", "PG_REPLICATION_",
            "PG_CREATE_", "PG_DROP_", "PG_LOG_", "SCHEMA_TO_XML", "DATABASE_TO_XML");

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
        Optional<Refusal> refusal = check(sql, new Syntax(dialect == Dialect.POSTGRESQL, false, dialect == Dialect.H2,
                dialect == Dialect.OTHER));
        if (refusal.isEmpty() && dialect == Dialect.OTHER) {
            // Unknown databases may treat backslash as an escape in every string (MySQL does): the statement must
            // pass under both readings.
            refusal = check(sql, new Syntax(false, true, false, true));
        }
        return refusal;
    }

    /**
     * How the target database lexes.
     *
     * @param postgres              dollar-quoted tags and {@code E'...'} escape strings
     * @param backslashEscapes      a backslash escapes the next character in every string
     * @param slashSlashComments    {@code //} starts a line comment (H2)
     * @param refuseUnknownComments {@code //} and {@code #} cannot be classified and are refused
     */
    private record Syntax(boolean postgres, boolean backslashEscapes, boolean slashSlashComments,
                          boolean refuseUnknownComments) {
    }

    private static Optional<Refusal> check(String sql, Syntax syntax) {
        Lexed lexed;
        try {
            lexed = lex(sql, syntax);
        } catch (IllegalArgumentException e) {
            return Optional.of(new Refusal("unsupported_sql", Objects.requireNonNullElse(e.getMessage(), "unsupported SQL")));
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
                return forbidden(word);
            }
        }
        for (String called : lexed.calledFunctions) {
            if (FORBIDDEN_FUNCTIONS.contains(called) || FORBIDDEN_PREFIXES.stream().anyMatch(called::startsWith)) {
                return forbidden(called);
            }
        }
        return Optional.empty();
    }

    private static Optional<Refusal> forbidden(String function) {
        return Optional.of(new Refusal("forbidden_function", "The function " + function
                + " is not allowed: it acts outside the read-only transaction"));
    }

    /**
     * The lexed statement.
     *
     * @param words                   unquoted words, upper-cased, in order
     * @param calledFunctions         names (plain or quoted, upper-cased) directly followed by an opening parenthesis
     * @param statementAfterSemicolon something other than whitespace and comments follows a semicolon
     */
    private record Lexed(List<String> words, List<String> calledFunctions, boolean statementAfterSemicolon) {
    }

    private static Lexed lex(String sql, Syntax syntax) {
        List<String> words = new ArrayList<>();
        List<String> called = new ArrayList<>();
        String lastName = null;
        int depth = 0;
        boolean afterSemicolon = false;
        boolean statementAfterSemicolon = false;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
            if ((c == '-' && next == '-') || (c == '/' && next == '/' && syntax.slashSlashComments)) {
                i = endOfLine(sql, i + 2);
                continue;
            }
            if (c == '/' && next == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("Unterminated block comment");
                }
                if (sql.substring(i + 2, end).contains("/*")) {
                    throw new IllegalArgumentException("Nested block comments are not accepted");
                }
                i = end + 2;
                continue;
            }
            if (syntax.refuseUnknownComments && (c == '#' || (c == '/' && next == '/'))) {
                throw new IllegalArgumentException("'" + c + "' may start a comment on this database");
            }
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            statementAfterSemicolon |= afterSemicolon && c != ';';
            String name = null;
            if (c == '\'') {
                boolean escapeString = syntax.postgres && i > 0
                        && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isWordPart(sql.charAt(i - 2)));
                i = skipQuoted(sql, i, '\'', syntax.backslashEscapes || escapeString);
            } else if (c == '"') {
                if (i >= 2 && sql.charAt(i - 1) == '&' && (sql.charAt(i - 2) == 'U' || sql.charAt(i - 2) == 'u')) {
                    throw new IllegalArgumentException("Unicode-escaped identifiers are not accepted");
                }
                int end = skipQuoted(sql, i, '"', false);
                name = sql.substring(i + 1, end - 1).replace("\"\"", "\"").toUpperCase(Locale.ROOT);
                i = end;
            } else if (c == '`') {
                throw new IllegalArgumentException("Backquoted identifiers are not accepted");
            } else if (c == '$' && (next == '$' || Character.isLetter(next) || next == '_')
                    && (i == 0 || !isWordPart(sql.charAt(i - 1)))) {
                i = skipDollarQuoted(sql, i, syntax.postgres);
            } else if (c == ';') {
                afterSemicolon = true;
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && isWordPart(sql.charAt(i))) {
                    i++;
                }
                name = sql.substring(start, i).toUpperCase(Locale.ROOT);
                words.add(name);
            } else {
                if (c == '(') {
                    if (lastName != null) {
                        called.add(lastName);
                    }
                    if (++depth > MAX_NESTING) {
                        throw new IllegalArgumentException("Parentheses are nested deeper than " + MAX_NESTING);
                    }
                } else if (c == ')') {
                    depth = Math.max(0, depth - 1);
                }
                i++;
            }
            lastName = name;
        }
        return new Lexed(words, called, statementAfterSemicolon);
    }

    private static int endOfLine(String sql, int from) {
        int end = from;
        while (end < sql.length() && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
            end++;
        }
        return end;
    }

    /** Index just after a dollar-quoted string that starts at {@code open}. */
    private static int skipDollarQuoted(String sql, int open, boolean postgres) {
        int tagEnd = sql.indexOf('$', open + 1);
        String tag = tagEnd < 0 ? "" : sql.substring(open, tagEnd + 1);
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
        return end + tag.length();
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
