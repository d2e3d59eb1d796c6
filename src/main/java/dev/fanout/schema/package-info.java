/// Table Schema documents compiled into per-field checks: [dev.fanout.schema.Schema] reads a
/// document, and each [dev.fanout.schema.Field] casts and checks one cell at a time. A field's
/// [dev.fanout.schema.QuickCheck] decides its common cells on their bytes alone, for the engine's
/// quick rows; every other cell, and every failure with its message, is the field's own check.
///
/// Public types are what the engine and server use; casters, formats and parsers stay
/// package-private. Everything here is immutable once built and safe to share across threads.
package dev.fanout.schema;
