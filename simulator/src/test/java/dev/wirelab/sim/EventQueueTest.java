package dev.wirelab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The heap against a reference model, a {@code PriorityQueue} ordered by (time, sequence): the
 * order every trace so far was made in. Events schedule more events while they run, many at the
 * same instant, so ties and a growing heap are both exercised.
 */
class EventQueueTest {
    private record Scheduled(long time, long sequence, int id) {}

    @Test
    void runsEventsInTheReferenceOrder() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        EventQueue queue = new EventQueue();
        PriorityQueue<Scheduled> model = new PriorityQueue<>((a, b) -> a.time() != b.time()
                ? Long.compare(a.time(), b.time()) : Long.compare(a.sequence(), b.sequence()));
        List<Integer> ran = new ArrayList<>();
        long[] sequence = {0};
        int[] ids = {0};
        // Each event, when run, schedules 0-2 more at now + 0..3 ns: heavy ties, bounded growth.
        class Spawner {
            void schedule(long at) {
                int id = ids[0]++;
                model.add(new Scheduled(at, sequence[0]++, id));
                queue.at(at, () -> {
                    ran.add(id);
                    if (ids[0] < 50_000) {
                        for (int k = random.nextInt(3); k > 0; k--) {
                            schedule(queue.now() + random.nextInt(4));
                        }
                    }
                });
            }
        }
        Spawner spawner = new Spawner();
        for (int i = 0; i < 500; i++) {
            spawner.schedule(random.nextInt(100));
        }
        long until = 0;
        while (queue.pending() > 0) {
            until += random.nextInt(50);
            queue.runUntil(until);
            assertEquals(until, queue.now(), "seed " + seed);
        }
        List<Integer> expected = new ArrayList<>();
        while (!model.isEmpty()) {
            expected.add(model.poll().id());
        }
        assertEquals(expected.size(), ran.size(), "seed " + seed);
        assertEquals(expected, ran, "seed " + seed);
        assertEquals(ran.size(), queue.executed(), "seed " + seed);
    }

    @Test
    void refusesThePast() {
        EventQueue queue = new EventQueue();
        queue.runUntil(10);
        assertThrows(IllegalArgumentException.class, () -> queue.at(9, () -> { }));
    }
}
