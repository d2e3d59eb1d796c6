/// The first stage: [dev.fanout.csv.CsvSource] reads RFC 4180 CSV (FastCSV's dialect) straight
/// from the input's bytes, strict UTF-8, into record batches whose cells are byte ranges of one
/// array, with limits on field size and column count.
///
/// It hands the engine those batches, and a failure (`malformed_csv`, `invalid_utf8`, …) as a
/// code with its line, never as an unchecked surprise. One source reads one input on one thread.
package dev.fanout.csv;
