package io.twisterlab.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the metric names a PromQL expression selects. Not a full parser: it removes what cannot be a metric
 * name (string literals, label matchers, range/subquery brackets, grouping label lists, offsets, numbers, Grafana
 * variables), then every remaining identifier not followed by "(" (a function or aggregation) and not a keyword
 * is a metric name. {@code {__name__="x"}} selectors are reported as {@code x}.
 */
final class PromQl {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern NAME_MATCHER = Pattern.compile("__name__\\s*=\\s*\"([a-zA-Z_:][a-zA-Z0-9_:]*)\"");
    private static final Pattern BRACES = Pattern.compile("\\{[^{}]*}");
    private static final Pattern BRACKETS = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9a-zA-Z_$]+");
    private static final Pattern TOKEN = Pattern.compile(
            "(?<num>[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?[a-zA-Z]*)|(?<var>\\$\\{?\\w+}?)"
                    + "|(?<id>[a-zA-Z_:][a-zA-Z0-9_:]*)");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "by", "without", "on",
            "ignoring", "group_left", "group_right", "offset", "inf", "nan", "Inf", "NaN", "atan2");

    private PromQl() {
    }

    /** A label matcher of a selector, e.g. {@code outcome!="success"}. */
    record LabelMatcher(String label, String op, String value) {
    }

    /** The label matchers of every selector of {@code metric} in {@code expr}. */
    static java.util.List<LabelMatcher> matchers(String expr, String metric) {
        java.util.List<LabelMatcher> result = new java.util.ArrayList<>();
        Matcher selector = Pattern.compile("(?<![a-zA-Z0-9_:])" + Pattern.quote(metric) + "\\s*\\{([^}]*)}").matcher(expr);
        while (selector.find()) {
            Matcher m = Pattern.compile("([a-zA-Z_]\\w*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(selector.group(1));
            while (m.find()) {
                result.add(new LabelMatcher(m.group(1), m.group(2), m.group(3)));
            }
        }
        return result;
    }

    static Set<String> metricNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        Matcher byName = NAME_MATCHER.matcher(expr);
        while (byName.find()) {
            names.add(byName.group(1));
        }
        String s = STRING.matcher(expr).replaceAll("\"\"");
        s = BRACES.matcher(s).replaceAll(" ");
        s = BRACKETS.matcher(s).replaceAll(" ");
        s = GROUPING.matcher(s).replaceAll(" ");
        s = OFFSET.matcher(s).replaceAll(" ");
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            String id = m.group("id");
            if (id == null || KEYWORDS.contains(id)) {
                continue;
            }
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                next++;
            }
            boolean call = next < s.length() && s.charAt(next) == '(';
            if (!call) {
                names.add(id);
            }
        }
        return names;
    }
}
