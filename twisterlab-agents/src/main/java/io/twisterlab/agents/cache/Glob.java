package io.twisterlab.agents.cache;

import java.util.regex.Pattern;

/** Redis glob patterns: translation to regular expressions, and escaping of literal text. */
final class Glob {
    private Glob() {
    }

    /** {@code text} with every glob metacharacter escaped, so it matches only itself. */
    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** The glob as an anchored regular expression with Redis semantics. */
    static Pattern toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        i++;
                        re.append(Pattern.quote(String.valueOf(glob.charAt(i))));
                    } else {
                        re.append(Pattern.quote("\\"));
                    }
                }
                case '[' -> {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) {
                        re.append(Pattern.quote("["));
                    } else {
                        String body = glob.substring(i + 1, end);
                        boolean negate = body.startsWith("^");
                        if (negate) {
                            body = body.substring(1);
                        }
                        StringBuilder cls = new StringBuilder(negate ? "[^" : "[");
                        for (int j = 0; j < body.length(); j++) {
                            char b = body.charAt(j);
                            if (b == '-' && j > 0 && j < body.length() - 1) {
                                cls.append('-');
                            } else if (Character.isLetterOrDigit(b)) {
                                cls.append(b);
                            } else {
                                cls.append('\\').append(b);
                            }
                        }
                        re.append(cls.append(']'));
                        i = end;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
            i++;
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
