package io.conclave.tests.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The values a history may hold, and their text form.
 *
 * <p>A history value is one of: {@code null} (written {@code nil}), a {@link Boolean}, a
 * {@link Long}, a {@link String}, or an immutable {@link List}, {@link Set} or {@link Map} of
 * such values. Smaller integers are widened to {@code Long} on the way in, so that a value
 * recorded as {@code 3} (an {@code Integer}) equals the {@code 3L} parsed back from a file or
 * produced by another client; without this, {@code Objects.equals} would call the two different
 * and a checker would report an anomaly that is only a boxing accident.
 *
 * <p>The text form is EDN-like: {@code nil true 42 "text" :keyword [a b] #{a b} {k v, k v}}.
 * A string that looks like a keyword ({@code ":append"}) is written bare and read back as the
 * same string; a bare symbol ({@code x}) reads as the string {@code "x"}, which keeps
 * hand-written histories short.
 */
final class Values {
    /** Deepest nesting the parser follows; histories are shallow, so more is a malformed file. */
    static final int MAX_DEPTH = 32;

    private static final Pattern KEYWORD = Pattern.compile(":[A-Za-z_][A-Za-z0-9_?!*+\\-./]*");

    private Values() {}

    /** Returns {@code value} as a history value: widened integers, immutable copies of collections. */
    static Object normalize(Object value) {
        return normalize(value, 0);
    }

    private static Object normalize(Object value, int depth) {
        Checks.check(depth <= MAX_DEPTH, "history value nested deeper than %d levels", MAX_DEPTH);
        if (value == null || value instanceof Boolean || value instanceof Long || value instanceof String) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) copy.add(normalize(element, depth + 1));
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Set<?> set) {
            Set<Object> copy = new LinkedHashSet<>();
            for (Object element : set) copy.add(normalize(element, depth + 1));
            return Collections.unmodifiableSet(copy);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                copy.put(normalize(e.getKey(), depth + 1), normalize(e.getValue(), depth + 1));
            }
            return Collections.unmodifiableMap(copy);
        }
        throw new IllegalArgumentException("a history value must be nil, a boolean, an integer, a string,"
                + " or a list, set or map of those; got " + value.getClass().getName() + ": " + value);
    }

    /**
     * An object whose {@code toString} is the value's text form, computed only if asked: for
     * error-message arguments, which are built on every check but printed only on failure.
     */
    static Object shown(Object value) {
        return new Object() {
            @Override
            public String toString() {
                return format(value);
            }
        };
    }

    /** The text form of a (normalized) history value. */
    static String format(Object value) {
        StringBuilder out = new StringBuilder();
        format(value, out);
        return out.toString();
    }

    static void format(Object value, StringBuilder out) {
        if (value == null) {
            out.append("nil");
        } else if (value instanceof String s) {
            if (KEYWORD.matcher(s).matches()) out.append(s);
            else quote(s, out);
        } else if (value instanceof List<?> list) {
            out.append('[');
            joinTo(list, out);
            out.append(']');
        } else if (value instanceof Set<?> set) {
            out.append("#{");
            joinTo(set, out);
            out.append('}');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String separator = "";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(separator);
                format(e.getKey(), out);
                out.append(' ');
                format(e.getValue(), out);
                separator = ", ";
            }
            out.append('}');
        } else {
            out.append(value);
        }
    }

    private static void joinTo(Iterable<?> elements, StringBuilder out) {
        String separator = "";
        for (Object element : elements) {
            out.append(separator);
            format(element, out);
            separator = " ";
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    /** Parses one value that must fill {@code text} (whitespace and a trailing comment aside). */
    static Object parse(String text) {
        Parser parser = new Parser(text);
        Object value = parser.value(0);
        parser.skipSpace();
        Checks.check(parser.atEnd(), "unexpected text after the value at column %d: %s", parser.pos + 1, text);
        return value;
    }

    /** A recursive-descent reader of the text form; recursion is bounded by {@link #MAX_DEPTH}. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == ';') {
                    pos = text.length(); // a comment runs to the end of the line
                } else if (Character.isWhitespace(c) || c == ',') {
                    pos++;
                } else {
                    return;
                }
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at column " + (pos + 1) + " of: " + text);
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw error("value nested deeper than " + MAX_DEPTH + " levels");
            skipSpace();
            if (atEnd()) throw error("expected a value");
            char c = text.charAt(pos);
            if (c == '[') {
                pos++;
                return Collections.unmodifiableList(elements(']', depth));
            }
            if (c == '{') {
                pos++;
                List<Object> flat = elements('}', depth);
                if (flat.size() % 2 != 0) throw error("a map needs an even number of forms");
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < flat.size(); i += 2) {
                    if (map.containsKey(flat.get(i))) throw error("duplicate map key " + format(flat.get(i)));
                    map.put(flat.get(i), flat.get(i + 1));
                }
                return Collections.unmodifiableMap(map);
            }
            if (c == '#' && pos + 1 < text.length() && text.charAt(pos + 1) == '{') {
                pos += 2;
                List<Object> elements = elements('}', depth);
                Set<Object> set = new LinkedHashSet<>(elements);
                if (set.size() != elements.size()) throw error("duplicate set element");
                return Collections.unmodifiableSet(set);
            }
            if (c == '"') return string();
            return atom();
        }

        private List<Object> elements(char close, int depth) {
            List<Object> out = new ArrayList<>();
            while (true) {
                skipSpace();
                if (atEnd()) throw error("missing '" + close + "'");
                if (text.charAt(pos) == close) {
                    pos++;
                    return out;
                }
                out.add(value(depth + 1));
            }
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            pos++; // opening quote
            while (true) {
                if (atEnd()) throw error("unterminated string");
                char c = text.charAt(pos++);
                if (c == '"') return out.toString();
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (atEnd()) throw error("unterminated escape");
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case 'u' -> {
                        if (pos + 4 > text.length()) throw error("short \\u escape");
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> throw error("unknown escape \\" + e);
                }
            }
        }

        private Object atom() {
            int start = pos;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (Character.isWhitespace(c) || c == ',' || c == ';' || "[]{}\"".indexOf(c) >= 0) break;
                pos++;
            }
            String token = text.substring(start, pos);
            if (token.isEmpty()) throw error("unexpected '" + text.charAt(pos) + "'");
            switch (token) {
                case "nil":
                    return null;
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                default:
                    break;
            }
            char first = token.charAt(0);
            if (Character.isDigit(first) || ((first == '-' || first == '+') && token.length() > 1
                    && Character.isDigit(token.charAt(1)))) {
                try {
                    return Long.parseLong(token.startsWith("+") ? token.substring(1) : token);
                } catch (NumberFormatException e) {
                    pos = start;
                    throw error("not an integer: " + token);
                }
            }
            return token; // a keyword (":append") or a bare symbol ("x"), both read as strings
        }
    }
}
