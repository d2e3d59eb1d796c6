package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/// The admission gauges parse as strict Prometheus text, each figure under its own name.
class AdmissionGaugesTest {
    @Test
    void eachFigureIsAGaugeOfItsOwn() {
        var exposition = PrometheusExposition.parse(new AdmissionGauges(7, 1024, 3, 8, 1, 2, 4).render());

        assertEquals(Map.of("fanout_validations_running{}", 7.0, "fanout_validations_limit{}", 1024.0,
                "fanout_large_places_used{}", 3.0, "fanout_large_places_limit{}", 8.0, "fanout_wide_records_held{}", 1.0,
                "fanout_wide_records_limit{}", 2.0, "fanout_wide_records_waiting{}", 4.0), exposition.samples);
        assertEquals(7, exposition.types.size());
        exposition.types.values().forEach(type -> assertEquals("gauge", type));
    }
}
