package dev.fanout.schema;

import java.time.Month;
import java.time.Year;

/// Range checks and ISO-8601 text for calendar and clock fields, shared by the ISO and strptime
/// parsers. Checking ranges up front, instead of letting `java.time` throw, keeps invalid cells
/// (`2023-02-29`) from costing an exception each.
final class CivilFields {
    private CivilFields() {
    }

    /// What is wrong with a date, or the empty string when it exists.
    static String dateProblem(int year, int month, int day) {
        if (month < 1 || month > 12) {
            return "month " + month + " is out of range";
        }
        if (day < 1 || day > Month.of(month).length(Year.isLeap(year))) {
            return pad(year, 4) + "-" + pad(month, 2) + " has no day " + day;
        }
        return "";
    }

    /// What is wrong with a time of day, or the empty string when it is one.
    static String timeProblem(int hour, int minute, int second) {
        if (hour > 23) {
            return "hour " + hour + " is out of range";
        }
        if (minute > 59) {
            return "minute " + minute + " is out of range";
        }
        if (second > 59) {
            return "second " + second + " is out of range";
        }
        return "";
    }

    /// What is wrong with a UTC offset, or the empty string when `java.time` accepts it (±18:00).
    static String offsetProblem(int hours, int minutes) {
        if (minutes > 59 || hours > 18 || (hours == 18 && minutes > 0)) {
            return "offset " + pad(hours, 2) + ":" + pad(minutes, 2) + " is out of range";
        }
        return "";
    }

    static void appendDate(StringBuilder out, int year, int month, int day) {
        appendPadded(out, year, 4);
        out.append('-');
        appendPadded(out, month, 2);
        out.append('-');
        appendPadded(out, day, 2);
    }

    /// `hh:mm:ss`, then the fraction with exactly `fractionDigits` digits when there is one.
    static void appendTime(StringBuilder out, int hour, int minute, int second, int nanos, int fractionDigits) {
        appendPadded(out, hour, 2);
        out.append(':');
        appendPadded(out, minute, 2);
        out.append(':');
        appendPadded(out, second, 2);
        if (fractionDigits > 0) {
            out.append('.');
            int scaled = nanos;
            for (int i = fractionDigits; i < 9; i++) {
                scaled /= 10;
            }
            appendPadded(out, scaled, fractionDigits);
        }
    }

    /// `Z` when written as `Z`, otherwise `±hh:mm`.
    static void appendOffset(StringBuilder out, int offsetSeconds, boolean zulu) {
        if (zulu) {
            out.append('Z');
            return;
        }
        int magnitude = Math.abs(offsetSeconds);
        out.append(offsetSeconds < 0 ? '-' : '+');
        appendPadded(out, magnitude / 3600, 2);
        out.append(':');
        appendPadded(out, magnitude / 60 % 60, 2);
    }

    /// Whether `s` has `count` ASCII digits at `at` (false when it is too short).
    static boolean digits(String s, int at, int count) {
        if (at + count > s.length()) {
            return false;
        }
        for (int i = at; i < at + count; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /// The value of the `count` ASCII digits at `at` (checked by the caller).
    static int number(String s, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            value = value * 10 + (s.charAt(i) - '0');
        }
        return value;
    }

    private static void appendPadded(StringBuilder out, int value, int width) {
        for (int limit = 10, i = 1; i < width; i++, limit *= 10) {
            if (value < limit) {
                out.append('0');
            }
        }
        out.append(value);
    }

    private static String pad(int value, int width) {
        StringBuilder out = new StringBuilder(width);
        appendPadded(out, value, width);
        return out.toString();
    }
}
