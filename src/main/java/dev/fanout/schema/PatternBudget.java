package dev.fanout.schema;

/// How much of RE2's compiled program one schema's patterns may make. RE2/J refuses a single
/// repetition over 1,000 but not nested or many ones, and compiles each count as copies: the
/// 15 bytes of `(a{1000}){1000}` made a million instructions and ran a 64 MB heap out of
/// memory, where C++ RE2 refuses what outgrows its memory budget. So every pattern of a schema
/// (`pattern` constraints and those in `jsonSchema`) is sized before it is compiled, by
/// [#expandedSize(String)], and the schema is invalid once their sum passes [#MAX] (~4 MB of
/// compiled program; a pattern of real use is a few hundred). One per schema document parsed.
final class PatternBudget {
    static final long MAX = 50_000;
    // Sizes stop growing here: far past MAX, and a sum of two never overflows.
    private static final long LIMIT = Long.MAX_VALUE / 4;
    private long spent;

    /// Counts `regex` against the schema's budget.
    ///
    /// @throws InvalidSchemaException when the schema's patterns together pass [#MAX]
    void spend(String field, String regex) {
        spent += expandedSize(regex);
        if (spent > MAX) {
            throw new InvalidSchemaException(field, "field '" + field + "': pattern '" + shortened(regex)
                    + "' is too large once its counted repetitions are expanded: a schema's patterns may make at most "
                    + MAX + " steps together (a{3} counts 3, (ab){3} counts 6)");
        }
    }

    /// An upper estimate of the instructions RE2 compiles `regex` to: each character, escape or
    /// class counts 1, a group the sum of what it holds (alternatives too), and a counted
    /// repetition `{n}`, `{n,m}` or `{n,}` multiplies what it repeats by `m` (or `n + 1`).
    /// `*`, `+` and `?` add nothing. Not a parser: a pattern RE2 refuses is refused by RE2 after.
    static long expandedSize(String regex) {
        long[] total = new long[regex.length() + 2];
        long[] last = new long[regex.length() + 2];
        int depth = 0;
        int n = regex.length();
        for (int i = 0; i < n; i++) {
            char c = regex.charAt(i);
            long atom = 1;
            switch (c) {
                case '\\' -> {
                    if (i + 1 < n && regex.charAt(i + 1) == 'Q') {
                        int end = regex.indexOf("\\E", i + 2);
                        int stop = end < 0 ? n : end;
                        total[depth] = saturated(total[depth] + (stop - i - 2));
                        last[depth] = 1;
                        i = end < 0 ? n : end + 1;
                        continue;
                    }
                    i = skipEscape(regex, i);
                }
                case '[' -> i = skipClass(regex, i);
                case '(' -> {
                    if (i + 2 < n && regex.charAt(i + 1) == '?' && regex.charAt(i + 2) != 'P' && regex.charAt(i + 2) != '<') {
                        int colon = indexOfEither(regex, i + 2);
                        if (colon < 0 || regex.charAt(colon) == ')') {
                            // Flags alone, `(?i)`: no group.
                            i = colon < 0 ? n : colon;
                            continue;
                        }
                        i = colon;
                    } else if (i + 1 < n && regex.charAt(i + 1) == '?') {
                        int close = regex.indexOf('>', i);
                        i = close < 0 ? n : close;
                    }
                    depth++;
                    total[depth] = 0;
                    last[depth] = 0;
                    continue;
                }
                case ')' -> {
                    if (depth == 0) {
                        continue;
                    }
                    atom = total[depth];
                    depth--;
                }
                case '|' -> {
                    last[depth] = 0;
                    continue;
                }
                case '*', '+', '?' -> {
                    continue;
                }
                case '{' -> {
                    int close = regex.indexOf('}', i);
                    long count = close < 0 ? -1 : count(regex.substring(i + 1, close));
                    if (count >= 0) {
                        total[depth] = saturated(total[depth] + times(last[depth], Math.max(0, count - 1)));
                        last[depth] = times(last[depth], count);
                        i = close;
                        continue;
                    }
                }
                default -> {
                    // a literal character
                }
            }
            total[depth] = saturated(total[depth] + atom);
            last[depth] = atom;
        }
        long size = 0;
        for (int d = 0; d <= depth; d++) {
            size = saturated(size + total[d]);
        }
        return size;
    }

    /// `n`, `n,` or `n,m` of decimal digits: the most copies it makes; -1 when not a count (RE2
    /// then reads the brace as a literal).
    private static long count(String inside) {
        int comma = inside.indexOf(',');
        String low = comma < 0 ? inside : inside.substring(0, comma);
        String high = comma < 0 ? inside : inside.substring(comma + 1);
        if (!digits(low) || !high.isEmpty() && !digits(high)) {
            return -1;
        }
        if (high.isEmpty()) {
            return number(low) + 1;
        }
        return number(high);
    }

    private static boolean digits(String text) {
        return !text.isEmpty() && text.length() <= 9 && text.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    private static long number(String digits) {
        return Long.parseLong(digits);
    }

    private static int skipEscape(String regex, int i) {
        int next = i + 1;
        if (next + 1 < regex.length() && "pPx".indexOf(regex.charAt(next)) >= 0 && regex.charAt(next + 1) == '{') {
            int close = regex.indexOf('}', next);
            return close < 0 ? regex.length() : close;
        }
        return Math.min(next, regex.length());
    }

    /// The index of the class's closing `]` (a `]` first in the class, or escaped, is a member).
    private static int skipClass(String regex, int i) {
        int j = i + 1;
        if (j < regex.length() && regex.charAt(j) == '^') {
            j++;
        }
        if (j < regex.length() && regex.charAt(j) == ']') {
            j++;
        }
        for (; j < regex.length(); j++) {
            char c = regex.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '[' && j + 1 < regex.length() && regex.charAt(j + 1) == ':') {
                int close = regex.indexOf(":]", j + 2);
                j = close < 0 ? j : close + 1;
            } else if (c == ']') {
                return j;
            }
        }
        return regex.length();
    }

    private static int indexOfEither(String regex, int from) {
        for (int j = from; j < regex.length(); j++) {
            if (regex.charAt(j) == ':' || regex.charAt(j) == ')') {
                return j;
            }
        }
        return -1;
    }

    private static String shortened(String regex) {
        return regex.length() <= 40 ? regex : regex.substring(0, 40) + "…";
    }

    private static long times(long a, long b) {
        return a != 0 && b > LIMIT / a ? LIMIT : a * b;
    }

    private static long saturated(long value) {
        return value < 0 ? LIMIT : Math.min(value, LIMIT);
    }
}
