package dev.fanout.schema;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/// Casts `date`, `time` and `datetime` cells through their [TemporalFormat] to canonical
/// ISO-8601 text, and orders and de-duplicates that text. Immutable and thread-safe.
///
/// Dates order as text. Times order by time of day, so `10:00:00.5` equals `10:00:00.50`.
/// Datetimes order by instant, and a datetime without an offset counts as UTC: Table Schema
/// leaves mixed local and offset values undefined, and UTC is what a reader would assume.
final class TemporalCaster implements Caster {
    private final TemporalKind kind;
    private final TemporalFormat format;

    TemporalCaster(TemporalKind kind, TemporalFormat format) {
        this.kind = kind;
        this.format = format;
    }

    @Override
    @SuppressWarnings("ReferenceEquality") // parse returns raw itself for an ISO cell: identity says so
    public void cast(Cell cell, List<Violation> violations) {
        String raw = cell.text();
        String iso = format.parse(raw, violations);
        // An ISO cell is returned as it is: the cell's own bytes then stand for it.
        if (iso != raw) {
            cell.typedAs(iso);
        }
    }

    @Override
    public Object uniqueKey(Object typed) {
        String text = (String) typed;
        try {
            return switch (kind) {
                case DATE -> text;
                case TIME -> nanoOfDay(text, 0);
                case DATETIME -> Instant.ofEpochSecond(epochSecond(text), nanoOfSecond(text, 11));
            };
        } catch (RuntimeException notCanonical) {
            // Only a cell whose cast failed is not canonical; its raw text is its own key.
            return text;
        }
    }

    @Override
    public int compare(Object left, Object right) {
        String a = (String) left;
        String b = (String) right;
        return switch (kind) {
            case DATE -> a.compareTo(b);
            case TIME -> Long.compare(nanoOfDay(a, 0), nanoOfDay(b, 0));
            case DATETIME -> {
                int seconds = Long.compare(epochSecond(a), epochSecond(b));
                yield seconds != 0 ? seconds : Integer.compare(nanoOfSecond(a, 11), nanoOfSecond(b, 11));
            }
        };
    }

    @Override
    public String describe() {
        return "a " + kind.noun() + " in the format " + format.display();
    }

    // The readers below rely on the canonical layout that both formats produce:
    // YYYY-MM-DD, hh:mm:ss[.f{1,9}], and for datetimes 'T' between and an optional Z or ±hh:mm.

    private static long nanoOfDay(String text, int at) {
        long seconds = number(text, at, 2) * 3600L + number(text, at + 3, 2) * 60L + number(text, at + 6, 2);
        return seconds * 1_000_000_000L + nanoOfSecond(text, at);
    }

    private static int nanoOfSecond(String text, int timeAt) {
        int i = timeAt + 8;
        if (i >= text.length() || text.charAt(i) != '.') {
            return 0;
        }
        int nanos = 0;
        int digits = 0;
        for (i++; i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9'; i++, digits++) {
            nanos = nanos * 10 + (text.charAt(i) - '0');
        }
        for (; digits < 9; digits++) {
            nanos *= 10;
        }
        return nanos;
    }

    private static long epochSecond(String text) {
        long day = LocalDate.of(number(text, 0, 4), number(text, 5, 2), number(text, 8, 2)).toEpochDay();
        long local = day * 86_400L + nanoOfDay(text, 11) / 1_000_000_000L;
        int sign = text.length() - 6;
        if (sign >= 19 && (text.charAt(sign) == '+' || text.charAt(sign) == '-')) {
            int offset = number(text, sign + 1, 2) * 3600 + number(text, sign + 4, 2) * 60;
            return local - (text.charAt(sign) == '-' ? -offset : offset);
        }
        return local;
    }

    private static int number(String text, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not canonical ISO-8601: " + text);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
