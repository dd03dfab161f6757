package dev.sluice.coord;

import java.time.Duration;

/**
 * One check of the coordination store.
 *
 * @param reachable whether it answered
 * @param latency how long the round trip took (or until it failed)
 * @param problem why it did not answer, without credentials; "" when it did
 */
public record Probe(boolean reachable, Duration latency, String problem) {}
