package dev.fanout.schema;

import java.util.List;

/// The ISO-8601 layouts of Table Schema's `default` temporal format, parsed by hand:
/// `YYYY-MM-DD`; `hh:mm:ss` with an optional fraction of one to nine digits; and
/// `YYYY-MM-DDThh:mm:ss`, optional fraction, optional `Z` or `±hh:mm`. No other ISO-8601
/// variants (week dates, basic format, a space for `T`, `24:00`, leap seconds). Immutable.
///
/// An accepted cell is already canonical, so it is returned as is, without a copy.
record IsoTemporalFormat(TemporalKind kind) implements TemporalFormat {

    @Override
    public String parse(String raw, List<Violation> violations) {
        int end = switch (kind) {
            case DATE -> date(raw, 0);
            case TIME -> time(raw, 0);
            case DATETIME -> datetime(raw);
        };
        if (end == raw.length()) {
            String problem = rangeProblem(raw);
            if (problem.isEmpty()) {
                return raw;
            }
            violations.add(Violation.of(ErrorCode.TYPE, raw, "is not a valid " + kind.noun() + ": " + problem));
            return raw;
        }
        violations.add(Violation.of(ErrorCode.TYPE, raw,
                "is not a " + kind.noun() + " in the format " + kind.isoLayout()));
        return raw;
    }

    @Override
    public String display() {
        return kind.isoLayout();
    }

    /// Where a well-formed date starting at `at` ends, or -1.
    private static int date(String s, int at) {
        if (s.length() < at + 10 || s.charAt(at + 4) != '-' || s.charAt(at + 7) != '-'
                || !CivilFields.digits(s, at, 4) || !CivilFields.digits(s, at + 5, 2) || !CivilFields.digits(s, at + 8, 2)) {
            return -1;
        }
        return at + 10;
    }

    /// Where a well-formed time (with its optional fraction) starting at `at` ends, or -1.
    private static int time(String s, int at) {
        if (s.length() < at + 8 || s.charAt(at + 2) != ':' || s.charAt(at + 5) != ':'
                || !CivilFields.digits(s, at, 2) || !CivilFields.digits(s, at + 3, 2) || !CivilFields.digits(s, at + 6, 2)) {
            return -1;
        }
        int i = at + 8;
        if (i < s.length() && s.charAt(i) == '.') {
            int fraction = ++i;
            while (i < s.length() && CivilFields.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == fraction || i - fraction > 9) {
                return -1;
            }
        }
        return i;
    }

    private static int datetime(String s) {
        if (date(s, 0) != 10 || s.length() < 11 || s.charAt(10) != 'T') {
            return -1;
        }
        int i = time(s, 11);
        if (i < 0 || i == s.length()) {
            return i;
        }
        char c = s.charAt(i);
        if (c == 'Z') {
            return i + 1;
        }
        if ((c == '+' || c == '-') && s.length() >= i + 6 && s.charAt(i + 3) == ':'
                && CivilFields.digits(s, i + 1, 2) && CivilFields.digits(s, i + 4, 2)) {
            return i + 6;
        }
        return -1;
    }

    /// Ranges of a well-formed cell: the empty string when the date, time and offset exist.
    private String rangeProblem(String s) {
        if (kind != TemporalKind.TIME) {
            String problem = CivilFields.dateProblem(CivilFields.number(s, 0, 4), CivilFields.number(s, 5, 2), CivilFields.number(s, 8, 2));
            if (!problem.isEmpty() || kind == TemporalKind.DATE) {
                return problem;
            }
        }
        int timeAt = kind == TemporalKind.TIME ? 0 : 11;
        String problem = CivilFields.timeProblem(CivilFields.number(s, timeAt, 2), CivilFields.number(s, timeAt + 3, 2), CivilFields.number(s, timeAt + 6, 2));
        if (!problem.isEmpty() || kind == TemporalKind.TIME) {
            return problem;
        }
        int sign = s.length() - 6;
        if (sign > timeAt && (s.charAt(sign) == '+' || s.charAt(sign) == '-')) {
            return CivilFields.offsetProblem(CivilFields.number(s, sign + 1, 2), CivilFields.number(s, sign + 4, 2));
        }
        return "";
    }
}
