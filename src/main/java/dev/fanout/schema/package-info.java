/// Table Schema documents compiled into per-field checks: [dev.fanout.schema.Schema] reads a
/// document, and each [dev.fanout.schema.Field] casts and checks one cell at a time.
///
/// Public types are what the engine and server use; casters, formats and parsers stay
/// package-private. Everything here is immutable once built and safe to share across threads.
package dev.fanout.schema;
