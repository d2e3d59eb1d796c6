package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/// Exit statuses are a contract with scripts and CI steps: every constant keeps its number.
class ExitStatusTest {
    @Test
    void theNumbersAreTheReadmes() {
        Map<ExitStatus, Integer> expected = new LinkedHashMap<>();
        expected.put(ExitStatus.Common.OK, 0);
        expected.put(ExitStatus.Common.ERROR, 2);
        expected.put(ExitStatus.Validate.ALL_VALID, 0);
        expected.put(ExitStatus.Validate.SOME_INVALID, 1);
        expected.put(ExitStatus.Validate.ERROR, 2);
        expected.put(ExitStatus.Bench.OK, 0);
        expected.put(ExitStatus.Bench.WORSE_THAN_BASELINE, 1);
        expected.put(ExitStatus.Bench.NO_REQUEST_SUCCEEDED, 1);
        expected.put(ExitStatus.Capacity.FOUND, 0);
        expected.put(ExitStatus.Capacity.NONE_MET_SLO, 1);
        Map<ExitStatus, Integer> actual = new LinkedHashMap<>();
        for (List<? extends ExitStatus> family : List.of(List.of(ExitStatus.Common.values()),
                List.of(ExitStatus.Validate.values()), List.of(ExitStatus.Bench.values()),
                List.of(ExitStatus.Capacity.values()))) {
            family.forEach(status -> actual.put(status, status.code()));
        }
        assertEquals(expected, actual);
    }
}
