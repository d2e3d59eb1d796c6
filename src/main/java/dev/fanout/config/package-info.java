/// Settings shared across stages: [dev.fanout.config.ConfigDuration] reads the text forms of a
/// duration that every setting and `/v1/stats?window=` accept.
///
/// It sits below every other stage and hands them plain `Duration`s: the server's settings, each
/// upstream's settings and the stats window read their durations through it, so that one rule
/// decides what `2s`, `500ms` or `PT0.5S` mean everywhere. Stateless.
@NullMarked
package dev.fanout.config;

import org.jspecify.annotations.NullMarked;
