package dev.fanout.engine;

import dev.fanout.schema.Schema;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/// A generated CSV file that exercises every part of the row path at once — every type and
/// format, every constraint, missing values, uniqueness and the primary key, kept extra columns,
/// quoting, escaped quotes, quoted line breaks, control characters, non-ASCII text, CRLF, blank
/// lines, a BOM and rows with the wrong number of cells — so that the engine's output on it can
/// be pinned by one SHA-256 (`GoldenOutputTest`). Deterministic: the same seed writes the same
/// bytes, on any machine.
final class GoldenFile {
    static final Schema SCHEMA = Schema.parse("""
            {"fields":[
              {"name":"id","type":"integer","constraints":{"required":true,"minimum":1}},
              {"name":"name","type":"string","constraints":{"required":true,"minLength":2,"maxLength":24}},
              {"name":"email","type":"string","format":"email","constraints":{"required":true}},
              {"name":"age","type":"integer","constraints":{"minimum":0,"maximum":150}},
              {"name":"city","type":"string","constraints":{"maxLength":12}},
              {"name":"amount","type":"number","groupChar":",","constraints":{"minimum":-1000000,"maximum":1000000}},
              {"name":"price","type":"number","decimalChar":",","groupChar":".","bareNumber":false},
              {"name":"active","type":"boolean"},
              {"name":"flag","type":"boolean","trueValues":["yes","Y"],"falseValues":["no","N"]},
              {"name":"born","type":"date","constraints":{"minimum":"1900-01-01","maximum":"2030-12-31"}},
              {"name":"joined","type":"date","format":"%d/%m/%Y"},
              {"name":"at","type":"datetime"},
              {"name":"stamp","type":"datetime","format":"%Y-%m-%d %H:%M:%S%z"},
              {"name":"wake","type":"time","constraints":{"maximum":"12:00:00"}},
              {"name":"yr","type":"year","constraints":{"minimum":1900}},
              {"name":"site","type":"string","format":"uri"},
              {"name":"uid","type":"string","format":"uuid","constraints":{"unique":true}},
              {"name":"code","type":"string","constraints":{"pattern":"[A-Z]{2}-[0-9]{3}"}},
              {"name":"level","type":"string","constraints":{"enum":["low","mid","high"]}},
              {"name":"score","type":"integer","groupChar":".","bareNumber":false,"constraints":{"enum":[1,2,3,1000]}},
              {"name":"note","type":"string"}],
             "missingValues":["","NA","-"],
             "primaryKey":["id"]}""".getBytes(StandardCharsets.UTF_8));

    private static final String[] HEADER = {"id", "name", "email", "age", "city", "amount", "price", "active", "flag",
            "born", "joined", "at", "stamp", "wake", "yr", "site", "uid", "code", "level", "score", "note", "comment"};
    private static final String[] FIRST = {"Ada", "Grace", "Alan", "Zoë", "李", "Søren", "Ολγα", "Émile", "O'Brien", "Ng"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Müller", "小明", "Kierkegaard", "Ντάνη", "Zola"};
    private static final String[] CITIES = {"London", "Zürich", "Москва", "東京", "Washington, D.C.", "São Paulo", "Oslo"};

    private GoldenFile() {
    }

    /// Writes `rows` data rows (plus a few blank lines) from `seed` to `file`.
    static void write(Path file, int rows, long seed) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
             Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            text.write('\uFEFF');
            text.write(String.join(",", HEADER));
            text.write("\r\n");
            var random = new SplittableRandom(seed);
            List<String> ids = new ArrayList<>();
            List<String> uids = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                List<String> cells = row(random, r, ids, uids);
                int shape = random.nextInt(100);
                if (shape == 0) {
                    cells.removeLast();
                } else if (shape == 1) {
                    cells.add("surplus");
                }
                for (int c = 0; c < cells.size(); c++) {
                    if (c > 0) {
                        text.write(',');
                    }
                    text.write(quote(random, cells.get(c)));
                }
                text.write(random.nextInt(4) == 0 ? "\r\n" : "\n");
                if (random.nextInt(500) == 0) {
                    text.write('\n');
                }
            }
        }
    }

    /// One row's cells. Half the rows are drawn clean (every cell from its valid default), so that
    /// valid rows are as well covered as invalid ones.
    private static List<String> row(SplittableRandom random, int r, List<String> ids, List<String> uids) {
        var pick = new Pick(random, random.nextBoolean());
        List<String> cells = new ArrayList<>(HEADER.length);
        String id = switch (pick.next(50)) {
            case 0 -> ids.isEmpty() ? "1" : ids.get(random.nextInt(ids.size()));
            case 1 -> "x" + r;
            case 2 -> "0";
            case 3 -> "";
            case 4 -> "+" + (r + 1);
            case 5 -> "00" + (r + 1);
            case 6 -> "NA";
            default -> Integer.toString(r + 1);
        };
        if (ids.size() < 10_000) {
            ids.add(id);
        }
        cells.add(id);
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        cells.add(switch (pick.next(40)) {
            case 0 -> "";
            case 1 -> "Q";
            case 2 -> first + " " + last + " " + last + " " + last;
            case 3 -> first + "\n" + last;
            case 4 -> "\"" + first + "\" " + last;
            case 5 -> first + "\t" + last + "\u0001";
            case 6 -> first + " \\ " + last;
            default -> first + " " + last;
        });
        String local = ascii(first).toLowerCase(Locale.ROOT) + "." + ascii(last).toLowerCase(Locale.ROOT) + r;
        cells.add(switch (pick.next(30)) {
            case 0 -> "";
            case 1 -> local;
            case 2 -> local + "@example";
            case 3 -> local + "@@example.org";
            case 4 -> local + " x@example.org";
            case 5 -> "@example.org";
            case 6 -> local + "@example..org";
            case 7 -> first.toLowerCase(Locale.ROOT) + "@münchen.example";
            default -> local + "@mail.example.org";
        });
        cells.add(switch (pick.next(25)) {
            case 0 -> "abc";
            case 1 -> "200";
            case 2 -> "-3";
            case 3 -> "";
            case 4 -> "4.5";
            case 5 -> " 42";
            case 6 -> "-";
            default -> Integer.toString(random.nextInt(100));
        });
        cells.add(pick.next(10) == 0 ? "" : CITIES[random.nextInt(pick.clean ? 3 : CITIES.length)]);
        cells.add(switch (pick.next(20)) {
            case 0 -> "1,234.50";
            case 1 -> "-0.0";
            case 2 -> ".5";
            case 3 -> "1e3";
            case 4 -> "NaN";
            case 5 -> "-inf";
            case 6 -> "2,000,000";
            case 7 -> "1,2,3";
            case 8 -> "twelve";
            case 9 -> "";
            default -> random.nextInt(100_000) + "." + random.nextInt(100);
        });
        cells.add(switch (pick.next(10)) {
            case 0 -> "€ 1.234,5";
            case 1 -> "$12";
            case 2 -> "95%";
            case 3 -> "n/a";
            case 4 -> "";
            default -> random.nextInt(1000) + "," + random.nextInt(10);
        });
        cells.add(switch (pick.next(12)) {
            case 0 -> "yes";
            case 1 -> "TRUE";
            case 2 -> "0";
            case 3 -> "";
            default -> random.nextBoolean() ? "true" : "false";
        });
        cells.add(switch (pick.next(8)) {
            case 0 -> "true";
            case 1 -> "";
            default -> random.nextBoolean() ? "yes" : "N";
        });
        int year = pick.clean ? 1950 + random.nextInt(70) : 1880 + random.nextInt(170);
        int month = 1 + random.nextInt(12);
        int day = 1 + random.nextInt(31);
        cells.add(switch (pick.next(15)) {
            case 0 -> "2023-02-29";
            case 1 -> "2024-13-01";
            case 2 -> year + "/" + month + "/" + day;
            case 3 -> "";
            default -> "%04d-%02d-%02d".formatted(year, month, Math.min(day, 28));
        });
        cells.add(switch (pick.next(10)) {
            case 0 -> "31/04/2024";
            case 1 -> "2024-01-05";
            default -> "%d/%d/%04d".formatted(Math.min(day, 28), month, year);
        });
        cells.add(switch (pick.next(10)) {
            case 0 -> "2024-03-15 10:00:00";
            case 1 -> "2024-03-15T25:00:00";
            case 2 -> "2024-03-15T10:00:00.123456+01:00";
            case 3 -> "2024-03-15T10:00:00Z";
            default -> "%04d-%02d-%02dT%02d:%02d:%02d".formatted(year, month, Math.min(day, 28), random.nextInt(24),
                    random.nextInt(60), random.nextInt(60));
        });
        cells.add(switch (pick.next(10)) {
            case 0 -> "2024-03-15 10:00:00Z";
            case 1 -> "2024-03-15 10:00:00";
            case 2 -> "2024-03-15 10:00:00+0530";
            default -> "%04d-%02d-%02d %02d:%02d:%02d-02:00".formatted(year, month, Math.min(day, 28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60));
        });
        cells.add(switch (pick.next(10)) {
            case 0 -> "24:00:00";
            case 1 -> "7:30";
            case 2 -> "11:59:59.999";
            default -> "%02d:%02d:%02d".formatted(random.nextInt(pick.clean ? 12 : 24), random.nextInt(60), random.nextInt(60));
        });
        cells.add(switch (pick.next(10)) {
            case 0 -> "99";
            case 1 -> "-";
            default -> Integer.toString(year);
        });
        cells.add(switch (pick.next(10)) {
            case 0 -> "example.org/x";
            case 1 -> "http://exa mple.org";
            case 2 -> "";
            default -> "https://example.org/p/" + r + "?q=" + random.nextInt(100);
        });
        String uid = "%08x-%04x-%04x-%04x-%012x".formatted(random.nextInt(), random.nextInt(0x10000),
                random.nextInt(0x10000), random.nextInt(0x10000), random.nextLong() & 0xFFFFFFFFFFFFL);
        if (pick.next(40) == 0 && !uids.isEmpty()) {
            uid = uids.get(random.nextInt(uids.size()));
        } else if (pick.next(40) == 0) {
            uid = uid.toUpperCase(Locale.ROOT);
        } else if (pick.next(60) == 0) {
            uid = uid.substring(1);
        }
        if (uids.size() < 10_000) {
            uids.add(uid);
        }
        cells.add(uid);
        cells.add(switch (pick.next(10)) {
            case 0 -> "ab-123";
            case 1 -> "AB-1234";
            case 2 -> "";
            default -> "" + (char) ('A' + random.nextInt(26)) + (char) ('A' + random.nextInt(26)) + "-"
                    + (100 + random.nextInt(900));
        });
        cells.add(switch (pick.next(10)) {
            case 0 -> "LOW";
            case 1 -> "";
            default -> List.of("low", "mid", "high").get(random.nextInt(3));
        });
        cells.add(switch (pick.next(10)) {
            case 0 -> "1.000";
            case 1 -> "#3";
            case 2 -> "4";
            case 3 -> "x";
            default -> Integer.toString(1 + random.nextInt(3));
        });
        cells.add(switch (pick.next(12)) {
            case 0 -> "";
            case 1 -> "line one\r\nline two";
            case 2 -> "tab\there, bell\u0007, nul\u0000, del\u007F";
            case 3 -> "quote \"inside\" and back\\slash";
            case 4 -> "emoji 😀 and \u2028 separator";
            case 5 -> "x".repeat(200 + random.nextInt(300));
            default -> "note " + r;
        });
        cells.add(random.nextInt(5) == 0 ? "" : "c" + random.nextInt(1000));
        return cells;
    }

    /// Draws which case of a cell's `switch` to take; a clean row always takes the last, `default`.
    private record Pick(SplittableRandom random, boolean clean) {
        int next(int bound) {
            int drawn = random.nextInt(bound);
            return clean ? Integer.MAX_VALUE : drawn;
        }
    }

    private static String ascii(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x80 && Character.isLetter(c)) {
                out.append(c);
            }
        }
        return out.isEmpty() ? "u" : out.toString();
    }

    /// Quotes a cell when it must be quoted, and now and then when it need not be.
    private static String quote(SplittableRandom random, String cell) {
        boolean must = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0
                || cell.indexOf('\r') >= 0;
        if (must || random.nextInt(20) == 0) {
            return '"' + cell.replace("\"", "\"\"") + '"';
        }
        return cell;
    }
}
