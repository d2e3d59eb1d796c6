package dev.fanout.jmh;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/// Generates a deterministic `people` CSV of about a given size, shaped like the peers'
/// `gen_people.py` workload: 10 % invalid rows of varied defects, some quoted fields, some empty
/// optional cities. Run: `java -cp benchmarks.jar dev.fanout.jmh.PeopleFile BYTES OUT [SEED]`.
public final class PeopleFile {
    private static final String[] FIRST = {"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Margaret",
        "Dennis", "Ken", "Frances", "John", "Radia", "Tim", "Sophie", "Linus", "Hedy"};
    private static final String[] LAST = {"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth",
        "Hamilton", "Ritchie", "Thompson", "Allen", "Backus", "Perlman", "Berners-Lee", "Wilson"};
    private static final String[] CITIES = {"London", "Paris", "Berlin", "Zurich", "Oslo", "Lisbon", "Austin",
        "Boston", "Toronto", "Kyoto", "\"Washington, D.C.\"", "St. John's", ""};
    private static final String[] DOMAINS = {"example.com", "example.org", "mail.example.net"};

    private PeopleFile() {
    }

    public static void main(String[] args) throws IOException {
        long bytes = Long.parseLong(args[0]);
        Path out = Path.of(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        System.out.println(write(out, bytes, seed) + " rows written to " + out);
    }

    /// Writes rows until the file holds at least `targetBytes`; returns the number of data rows.
    public static long write(Path out, long targetBytes, long seed) throws IOException {
        return write(out, targetBytes, seed, false);
    }

    /// As [#write(Path, long, long)]; with `quoteAll` every field is quoted, as some exporters
    /// write every CSV (the same rows otherwise).
    public static long write(Path out, long targetBytes, long seed, boolean quoteAll) throws IOException {
        return write(out, targetBytes, seed, quoteAll, false);
    }

    /// As [#write(Path, long, long, boolean)]; with `everyRowInvalid` every row has one of the
    /// defects, as a file exported with the wrong column order or encoding would.
    public static long write(Path out, long targetBytes, long seed, boolean quoteAll, boolean everyRowInvalid)
            throws IOException {
        var random = new Random(seed);
        long written = 0;
        long rows = 0;
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String header = "id,name,email,age,city\n";
            writer.write(header);
            written += header.length();
            while (written < targetBytes) {
                rows++;
                String line = row(random, rows, everyRowInvalid);
                if (quoteAll) {
                    line = quoteAll(line);
                }
                writer.write(line);
                written += line.length();
            }
        }
        return rows;
    }

    /// `line` with every field quoted; its fields have quotes, if any, only around a whole field
    /// (as [#row] writes them).
    private static String quoteAll(String line) {
        var quoted = new StringBuilder(line.length() + 16);
        boolean inQuotes = false;
        quoted.append('"');
        for (int i = 0; i < line.length() - 1; i++) {
            char c = line.charAt(i);
            if (c == '"') {
                inQuotes = !inQuotes;
            } else if (c == ',' && !inQuotes) {
                quoted.append("\",\"");
            } else {
                quoted.append(c);
            }
        }
        return quoted.append("\"\n").toString();
    }

    private static String row(Random random, long i, boolean invalid) {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        String id = Long.toString(i);
        String name = first + " " + last;
        String email = first.toLowerCase() + "." + last.toLowerCase() + (i % 97) + "@" + DOMAINS[random.nextInt(DOMAINS.length)];
        String age = Integer.toString(random.nextInt(100));
        String city = CITIES[random.nextInt(CITIES.length)];
        // Drawn whatever `invalid` says: the rows of a seed stay the same.
        if (random.nextInt(10) == 0 || invalid) {
            switch (random.nextInt(7)) {
                case 0 -> age = Integer.toString(151 + random.nextInt(800));
                case 1 -> age = "forty";
                case 2 -> name = "";
                case 3 -> email = email.replace("@", "");
                case 4 -> id = "0";
                case 5 -> city = "x".repeat(70);
                default -> {
                    return id + "," + name + "," + email + "\n";
                }
            }
        }
        return id + "," + name + "," + email + "," + age + "," + city + "\n";
    }
}
