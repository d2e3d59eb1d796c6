package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/// The concurrency limit's fair share: a request that holds every permit cannot take the next
/// free one while another request is waiting.
class FairShareTest {
    private static Thread acquireLater(ConcurrencyLimit.Share share, CountDownLatch acquired) {
        return Thread.ofVirtual().start(() -> {
            try {
                share.acquire();
                acquired.countDown();
            } catch (InterruptedException e) {
                // Preserve interrupt status; the test interrupts only to clean up.
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void aFreedPermitGoesToTheRequestBelowItsShare() throws InterruptedException {
        ConcurrencyLimit limit = new ConcurrencyLimit(4);
        ConcurrencyLimit.Share big = limit.newShare();
        ConcurrencyLimit.Share small = limit.newShare();
        for (int i = 0; i < 4; i++) {
            big.acquire();
        }
        CountDownLatch bigMore = new CountDownLatch(1);
        Thread bigWaiter = acquireLater(big, bigMore);
        Thread.sleep(50);
        CountDownLatch smallOne = new CountDownLatch(1);
        acquireLater(small, smallOne);
        Thread.sleep(50);

        big.release();

        assertTrue(smallOne.await(1, TimeUnit.SECONDS), "the small request got the freed permit");
        assertFalse(bigMore.await(100, TimeUnit.MILLISECONDS), "the big one is at its share of 2");
        assertEquals(4, limit.inFlight());
        bigWaiter.interrupt();
        assertTrue(bigWaiter.join(Duration.ofSeconds(1)));
    }

    @Test
    void aLoneRequestGetsEveryPermit() throws InterruptedException {
        ConcurrencyLimit limit = new ConcurrencyLimit(3);
        ConcurrencyLimit.Share only = limit.newShare();
        for (int i = 0; i < 3; i++) {
            only.acquire();
        }
        assertEquals(3, limit.inFlight());
    }
}
