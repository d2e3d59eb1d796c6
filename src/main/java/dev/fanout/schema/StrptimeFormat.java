package dev.fanout.schema;

import java.time.Month;
import java.time.Year;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/// A strptime-style pattern such as `%d/%m/%Y`, compiled once into directives and literal runs
/// and matched by hand, with no regular expression and no allocation until the result text.
/// Immutable and thread-safe.
///
/// Directives: `%Y` (four digits), `%y` (two digits: 69–99 → 19xx, 00–68 → 20xx, as POSIX),
/// `%m`, `%d`, `%H`, `%I`, `%M`, `%S` (one or two digits), `%j` (one to three digits), `%f`
/// (one to nine digits of fraction), `%b`/`%B` (English month names, any letter case), `%p`
/// (`AM`/`PM`, any letter case), `%z` (`Z`, `±hhmm` or `±hh:mm`; datetime only) and `%%`.
/// Numbers read greedily up to their width. Every other character must match itself exactly.
/// A pattern that could not say which date or time it means (no year, `%I` without `%p`, a
/// component twice, a clock directive in a date format) is rejected when the schema is read.
final class StrptimeFormat implements TemporalFormat {

    /// One piece of a compiled pattern: a directive of the given letter, or a literal run.
    enum Directive {
        YEAR('Y', Component.YEAR, 4, 4),
        YEAR_2('y', Component.YEAR, 2, 2),
        MONTH('m', Component.MONTH, 1, 2),
        MONTH_ABBREVIATION('b', Component.MONTH, 0, 0),
        MONTH_NAME('B', Component.MONTH, 0, 0),
        DAY('d', Component.DAY, 1, 2),
        DAY_OF_YEAR('j', Component.DAY_OF_YEAR, 1, 3),
        HOUR('H', Component.HOUR, 1, 2),
        HOUR_12('I', Component.HOUR, 1, 2),
        MINUTE('M', Component.MINUTE, 1, 2),
        SECOND('S', Component.SECOND, 1, 2),
        FRACTION('f', Component.FRACTION, 1, 9),
        AM_PM('p', Component.AM_PM, 0, 0),
        OFFSET('z', Component.OFFSET, 0, 0),
        LITERAL('\0', Component.NONE, 0, 0);

        private final char letter;
        private final Component component;
        private final int minDigits;
        private final int maxDigits;

        Directive(char letter, Component component, int minDigits, int maxDigits) {
            this.letter = letter;
            this.component = component;
            this.minDigits = minDigits;
            this.maxDigits = maxDigits;
        }

        String spelling() {
            return "%" + letter;
        }
    }

    /// What a directive sets; each may be set once.
    enum Component {
        YEAR, MONTH, DAY, DAY_OF_YEAR, HOUR, MINUTE, SECOND, FRACTION, AM_PM, OFFSET, NONE;

        String noun() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    static final String SUPPORTED = "%Y %y %m %d %j %b %B %H %I %M %S %f %p %z %%";

    private static final Set<Component> DATE_COMPONENTS = EnumSet.of(Component.YEAR, Component.MONTH,
            Component.DAY, Component.DAY_OF_YEAR);
    private static final Set<Component> TIME_COMPONENTS = EnumSet.of(Component.HOUR, Component.MINUTE,
            Component.SECOND, Component.FRACTION, Component.AM_PM);
    private static final String[] MONTH_NAMES = {"January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December"};

    private final TemporalKind kind;
    private final String pattern;
    private final Directive[] directives;
    // literals[i] is the text to match when directives[i] is LITERAL, else empty.
    private final String[] literals;
    private final boolean twelveHour;
    private final boolean dayOfYear;

    private StrptimeFormat(TemporalKind kind, String pattern, List<Directive> directives, List<String> literals) {
        this.kind = kind;
        this.pattern = pattern;
        this.directives = directives.toArray(Directive[]::new);
        this.literals = literals.toArray(String[]::new);
        this.twelveHour = directives.contains(Directive.HOUR_12);
        this.dayOfYear = directives.contains(Directive.DAY_OF_YEAR);
    }

    /// Compiles `pattern` for a field of the given kind.
    ///
    /// @throws InvalidSchemaException naming `fieldName` when the pattern has an unknown
    ///     directive or does not determine a single date, time or datetime
    static StrptimeFormat compile(String fieldName, TemporalKind kind, String pattern) {
        List<Directive> directives = new ArrayList<>();
        List<String> literals = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        Set<Component> seen = EnumSet.noneOf(Component.class);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                literal.append(c);
                continue;
            }
            if (i + 1 == pattern.length()) {
                throw invalid(fieldName, pattern, "ends with a lone %");
            }
            char letter = pattern.charAt(++i);
            if (letter == '%') {
                literal.append('%');
                continue;
            }
            Directive directive = directive(letter).orElseThrow(() -> invalid(fieldName, pattern,
                    "has an unknown directive %" + letter + " (supported: " + SUPPORTED + ")"));
            if (!seen.add(directive.component)) {
                throw invalid(fieldName, pattern, "sets the " + directive.component.noun() + " twice");
            }
            if (!literal.isEmpty()) {
                directives.add(Directive.LITERAL);
                literals.add(literal.toString());
                literal.setLength(0);
            }
            directives.add(directive);
            literals.add("");
        }
        if (!literal.isEmpty()) {
            directives.add(Directive.LITERAL);
            literals.add(literal.toString());
        }
        if (seen.isEmpty()) {
            throw invalid(fieldName, pattern,
                    "is not default, any, or a strptime pattern (directives such as %Y start with %)");
        }
        checkDetermines(fieldName, kind, pattern, directives, seen);
        return new StrptimeFormat(kind, pattern, directives, literals);
    }

    private static Optional<Directive> directive(char letter) {
        for (Directive directive : Directive.values()) {
            if (directive.letter == letter && directive != Directive.LITERAL) {
                return Optional.of(directive);
            }
        }
        return Optional.empty();
    }

    private static void checkDetermines(String fieldName, TemporalKind kind, String pattern,
            List<Directive> directives, Set<Component> seen) {
        boolean date = kind != TemporalKind.TIME;
        boolean time = kind != TemporalKind.DATE;
        for (Directive directive : directives) {
            if (!date && DATE_COMPONENTS.contains(directive.component)
                    || !time && TIME_COMPONENTS.contains(directive.component)
                    || kind != TemporalKind.DATETIME && directive == Directive.OFFSET) {
                throw invalid(fieldName, pattern, "cannot contain " + directive.spelling() + " in a "
                        + kind.noun() + " format");
            }
        }
        if (date) {
            if (!seen.contains(Component.YEAR)) {
                throw invalid(fieldName, pattern, "has no year (%Y or %y)");
            }
            boolean monthDay = seen.contains(Component.MONTH) && seen.contains(Component.DAY);
            boolean ordinal = seen.contains(Component.DAY_OF_YEAR);
            if (ordinal && (seen.contains(Component.MONTH) || seen.contains(Component.DAY))) {
                throw invalid(fieldName, pattern, "mixes %j with a month or day of month");
            }
            if (!monthDay && !ordinal) {
                throw invalid(fieldName, pattern, "needs a month and a day (%m or %b or %B, and %d) or %j");
            }
        }
        if (time) {
            if (!seen.contains(Component.HOUR)) {
                throw invalid(fieldName, pattern, "has no hour (%H, or %I with %p)");
            }
            if (directives.contains(Directive.HOUR_12) != seen.contains(Component.AM_PM)) {
                throw invalid(fieldName, pattern, "needs %I and %p together");
            }
        }
    }

    private static InvalidSchemaException invalid(String fieldName, String pattern, String problem) {
        return new InvalidSchemaException(fieldName,
                "field '" + fieldName + "': format '" + pattern + "' " + problem);
    }

    @Override
    public String parse(String raw, List<Violation> violations) {
        int at = 0;
        int length = raw.length();
        int year = 0;
        int month = 1;
        int day = 1;
        int ordinal = 0;
        int hour = 0;
        int minute = 0;
        int second = 0;
        int nanos = 0;
        int fractionDigits = 0;
        int offsetSeconds = 0;
        boolean offset = false;
        boolean zulu = false;
        boolean pm = false;
        for (int t = 0; t < directives.length; t++) {
            Directive directive = directives[t];
            switch (directive) {
                case LITERAL -> {
                    if (!raw.startsWith(literals[t], at)) {
                        return mismatch(raw, violations);
                    }
                    at += literals[t].length();
                }
                case MONTH_ABBREVIATION, MONTH_NAME -> {
                    month = monthAt(raw, at, directive == Directive.MONTH_NAME);
                    if (month == 0) {
                        return mismatch(raw, violations);
                    }
                    at += directive == Directive.MONTH_NAME ? MONTH_NAMES[month - 1].length() : 3;
                }
                case AM_PM -> {
                    if (raw.regionMatches(true, at, "PM", 0, 2)) {
                        pm = true;
                    } else if (!raw.regionMatches(true, at, "AM", 0, 2)) {
                        return mismatch(raw, violations);
                    }
                    at += 2;
                }
                case OFFSET -> {
                    if (at < length && raw.charAt(at) == 'Z') {
                        zulu = true;
                        at++;
                    } else {
                        if (at + 5 > length || (raw.charAt(at) != '+' && raw.charAt(at) != '-')
                                || !CivilFields.digits(raw, at + 1, 2)) {
                            return mismatch(raw, violations);
                        }
                        int minutesAt = raw.charAt(at + 3) == ':' ? at + 4 : at + 3;
                        if (minutesAt + 2 > length || !CivilFields.digits(raw, minutesAt, 2)) {
                            return mismatch(raw, violations);
                        }
                        int hours = CivilFields.number(raw, at + 1, 2);
                        int minutes = CivilFields.number(raw, minutesAt, 2);
                        String problem = CivilFields.offsetProblem(hours, minutes);
                        if (!problem.isEmpty()) {
                            return outOfRange(raw, violations, problem);
                        }
                        offsetSeconds = (raw.charAt(at) == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
                        at = minutesAt + 2;
                    }
                    offset = true;
                }
                default -> {
                    int start = at;
                    int value = 0;
                    while (at < length && at - start < directive.maxDigits && CivilFields.isDigit(raw.charAt(at))) {
                        value = value * 10 + (raw.charAt(at++) - '0');
                    }
                    int count = at - start;
                    if (count < directive.minDigits) {
                        return mismatch(raw, violations);
                    }
                    switch (directive) {
                        case YEAR -> year = value;
                        case YEAR_2 -> year = value < 69 ? 2000 + value : 1900 + value;
                        case MONTH -> month = value;
                        case DAY -> day = value;
                        case DAY_OF_YEAR -> ordinal = value;
                        case HOUR, HOUR_12 -> hour = value;
                        case MINUTE -> minute = value;
                        case SECOND -> second = value;
                        case FRACTION -> {
                            nanos = value;
                            for (int i = count; i < 9; i++) {
                                nanos *= 10;
                            }
                            fractionDigits = count;
                        }
                        default -> throw new IllegalStateException("not a numeric directive: " + directive);
                    }
                }
            }
        }
        if (at != length) {
            return mismatch(raw, violations);
        }
        if (twelveHour) {
            if (hour < 1 || hour > 12) {
                return outOfRange(raw, violations, "hour " + hour + " is out of range for %I (1-12)");
            }
            hour = hour % 12 + (pm ? 12 : 0);
        }
        if (kind != TemporalKind.TIME) {
            if (dayOfYear) {
                boolean leap = Year.isLeap(year);
                if (ordinal < 1 || ordinal > (leap ? 366 : 365)) {
                    return outOfRange(raw, violations, "day of year " + ordinal + " is out of range");
                }
                month = 1;
                day = ordinal;
                while (day > Month.of(month).length(leap)) {
                    day -= Month.of(month++).length(leap);
                }
            }
            String problem = CivilFields.dateProblem(year, month, day);
            if (!problem.isEmpty()) {
                return outOfRange(raw, violations, problem);
            }
        }
        if (kind != TemporalKind.DATE) {
            String problem = CivilFields.timeProblem(hour, minute, second);
            if (!problem.isEmpty()) {
                return outOfRange(raw, violations, problem);
            }
        }
        StringBuilder out = new StringBuilder(40);
        switch (kind) {
            case DATE -> CivilFields.appendDate(out, year, month, day);
            case TIME -> CivilFields.appendTime(out, hour, minute, second, nanos, fractionDigits);
            case DATETIME -> {
                CivilFields.appendDate(out, year, month, day);
                out.append('T');
                CivilFields.appendTime(out, hour, minute, second, nanos, fractionDigits);
                if (offset) {
                    CivilFields.appendOffset(out, offsetSeconds, zulu);
                }
            }
        }
        return out.toString();
    }

    /// The month (1–12) whose English name or three-letter abbreviation starts at `at`, or 0.
    private static int monthAt(String raw, int at, boolean fullName) {
        for (int m = 0; m < 12; m++) {
            String name = MONTH_NAMES[m];
            int length = fullName ? name.length() : 3;
            if (raw.regionMatches(true, at, name, 0, length)) {
                return m + 1;
            }
        }
        return 0;
    }

    private String mismatch(String raw, List<Violation> violations) {
        violations.add(Violation.of(ErrorCode.TYPE, raw, "is not a " + kind.noun() + " in the format " + pattern));
        return raw;
    }

    private String outOfRange(String raw, List<Violation> violations, String problem) {
        violations.add(Violation.of(ErrorCode.TYPE, raw, "is not a valid " + kind.noun() + ": " + problem));
        return raw;
    }


    @Override
    public String display() {
        return pattern;
    }
}
