/// The heart of a run: [dev.fanout.engine.ValidationEngine] reads the header and opens a
/// [dev.fanout.engine.ValidationRun], which cuts the `csv` stage's batches into chunks, validates
/// them in parallel in one structured scope (cells checked by the `schema` stage's fields,
/// lookups asked of the `upstream` stage, rows rendered by the `output` stage) and writes them in
/// input order, deciding row-order checks (`unique`, `primaryKey`, `uniqueKeys`, self-referencing
/// foreign keys) and the error limit on the way.
///
/// It hands its caller — the server's response pump or the CLI's output file — the NDJSON bytes
/// in order, then a [dev.fanout.engine.RunOutcome]. All structured-concurrency code is in
/// `StructuredValidation`, since the API is a preview.
package dev.fanout.engine;
