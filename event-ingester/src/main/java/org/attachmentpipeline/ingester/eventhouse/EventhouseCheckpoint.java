package org.attachmentpipeline.ingester.eventhouse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the Eventhouse poll stands: the newest ingestion time seen and the keys of the events
 * ingested within the overlap window before it, so that the next poll can look back over the window
 * for rows that became visible late without emitting an event twice. Keys are kept as 96-bit
 * digests, grouped by ingestion time, to keep the record small.
 *
 * @param schemaVersion the record's version
 * @param newestIngested the newest ingestion time seen, or null before the first event
 * @param seen ingestion time (ISO-8601) to the digests of the events ingested at that time
 * @param savedAt when this checkpoint was made
 */
record EventhouseCheckpoint(
    int schemaVersion, Instant newestIngested, Map<String, List<String>> seen, Instant savedAt) {

  static final int SCHEMA_VERSION = 1;

  EventhouseCheckpoint {
    seen = seen == null ? Map.of() : Map.copyOf(seen);
  }

  static EventhouseCheckpoint empty() {
    return new EventhouseCheckpoint(SCHEMA_VERSION, null, Map.of(), null);
  }

  /** Whether an event with this key is within the remembered window. */
  boolean hasSeen(EventRow row) {
    List<String> keys = seen.get(row.ingested().toString());
    return keys != null && keys.contains(digest(row.key()));
  }

  /**
   * This checkpoint with {@code rows} added, forgetting events ingested before the newest minus
   * {@code overlap}, and the oldest beyond {@code maxRemembered}.
   */
  EventhouseCheckpoint advance(
      List<EventRow> rows, Duration overlap, int maxRemembered, Instant now) {
    Instant newest = newestIngested;
    TreeMap<Instant, List<String>> byTime = new TreeMap<>();
    seen.forEach((time, keys) -> byTime.put(Instant.parse(time), new ArrayList<>(keys)));
    for (EventRow row : rows) {
      newest = newest == null || row.ingested().isAfter(newest) ? row.ingested() : newest;
      List<String> keys = byTime.computeIfAbsent(row.ingested(), t -> new ArrayList<>());
      String digest = digest(row.key());
      if (!keys.contains(digest)) {
        keys.add(digest);
      }
    }
    if (newest != null) {
      byTime.headMap(newest.minus(overlap)).clear();
    }
    int total = byTime.values().stream().mapToInt(List::size).sum();
    while (total > maxRemembered && !byTime.isEmpty()) {
      total -= byTime.pollFirstEntry().getValue().size();
    }
    Map<String, List<String>> kept = new TreeMap<>();
    byTime.forEach((time, keys) -> kept.put(time.toString(), List.copyOf(keys)));
    return new EventhouseCheckpoint(SCHEMA_VERSION, newest, kept, now);
  }

  /** How many event keys are remembered. */
  int remembered() {
    return seen.values().stream().mapToInt(List::size).sum();
  }

  static String digest(String key) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 12));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
